// The per-database table filter: the database's tables (listed in the background) with check
// boxes, a search box, and exclude patterns (schema.table with * and ?).
#pragma once

#include "wizardservices.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QTreeWidget;
class QDialogButtonBox;

namespace pgferry::wizard {

class TableFilterDialog : public QDialog
{
    Q_OBJECT
public:
    TableFilterDialog(ServicesPtr services, const pg::ConnInfo &database, const QStringList &includes,
                      const QStringList &excludes, QWidget *parent = nullptr);
    QStringList includes() const { return m_includes; }
    QStringList excludes() const { return m_excludes; }
    // Whether a table (schema.name) passes include and exclude patterns.
    static bool matches(const QString &table, const QStringList &includes, const QStringList &excludes);
    void setTables(const QList<assess::TableInventory> &tables);

private:
    void accept() override;
    void updateCount();
    QLineEdit *m_search;
    QLineEdit *m_patterns;
    QTreeWidget *m_tables;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QStringList m_includes;
    QStringList m_excludes;
    bool m_loaded = false;
};

} // namespace pgferry::wizard
