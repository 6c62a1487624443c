// Help > Keyboard shortcuts (F1): every key the window and the wizard answer, in one list.
#pragma once

#include <QDialog>
#include <QList>
#include <QPair>

class QTreeWidget;

namespace pgferry::wizard {

class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    // (keys as shown, what they do), in order.
    using Entries = QList<QPair<QString, QString>>;
    explicit ShortcutsDialog(const Entries &entries, QWidget *parent = nullptr);
    QTreeWidget *list() const { return m_list; }

private:
    QTreeWidget *m_list;
};

} // namespace pgferry::wizard
