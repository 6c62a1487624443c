// Page 7, Monitor: the live dashboard. Charts of throughput (rows/s, MB/s) and replication lag
// (seconds, bytes), one card per database, a sortable and filterable grid of every table, the
// log, the schema changes seen on the source while streaming, Retry for a failed table, Resync
// (copy a table again from a new snapshot while its database streams, e.g. for an unresolved
// schema change), Stop/Resume, and Start cutover once the run is ready for it.
// Status updates are coalesced so that the GUI thread never falls behind a fast engine.
#pragma once

#include "applyrate.h"
#include "engine/migrationstatus.h"
#include "wizardpage.h"

#include <QElapsedTimer>
#include <QTimer>

#include <optional>
#include <utility>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QTableView;
class QTabWidget;
class QTreeWidget;

namespace pgferry::wizard {

class DatabaseCard;
class LiveChart;
class TableStatusModel;
class TableStatusProxy;

class MonitorPage : public WizardPage
{
    Q_OBJECT
public:
    explicit MonitorPage(MigrationWizard *wizard);
    void loadFrom(const project::Project &project) override;
    void storeTo(project::Project &) const override {}
    void initializePage() override;
    bool isComplete() const override;
    int nextId() const override;

    // Takes a status; the widgets follow within one refresh interval (applyPending does it now).
    void setStatus(const engine::MigrationStatus &status);
    void applyPending();
    void appendLog(const QString &line);

    // What stands between the run and a cutover, one reason per line; empty when ready.
    static QStringList notReadyReasons(const engine::MigrationStatus &status);

    TableStatusModel *model() const { return m_model; }
    TableStatusProxy *proxy() const { return m_proxy; }
    QPushButton *cutoverButton() const { return m_cutover; }
    QList<DatabaseCard *> cards() const { return m_cards; }
    LiveChart *throughputChart() const { return m_throughput; }
    LiveChart *lagChart() const { return m_lag; }
    // Every database's schema changes, one row each (the "Schema changes" tab, shown when there are some).
    QTreeWidget *schemaChangesList() const { return m_schemaList; }
    // Opens the schema changes tab on the first change of `database` (an unresolved one if any).
    void showSchemaChanges(const QString &database);

private:
    void apply(const engine::MigrationStatus &s);
    void updateRetry();
    void retrySelected();
    // Resync: whether `table` of `database` can be copied again now (an online run, the database
    // streaming); with a reason for the tooltip when it cannot.
    bool canResync(const QString &database, QString *whyNot = nullptr) const;
    // The unresolved table change selected on the schema changes tab: {database, schema.table}.
    std::optional<std::pair<QString, QString>> selectedSchemaTable() const;
    void updateSchemaResync();
    // Asks for confirmation, then asks the engine; shows its answer (a refusal in a message box).
    void resync(const QString &database, const QString &table);
    // A database card's "Cut over…": confirms, then asks the engine for that database alone.
    void cutOverDatabase(const QString &database);
    void resyncSelected();
    void showTableMenu(const QPoint &pos);
    void showSchemaMenu(const QPoint &pos);
    void updateSchemaChanges(const engine::MigrationStatus &s);

    QLabel *m_state;
    QLabel *m_totals;
    QProgressBar *m_overall;
    QLabel *m_lastError;
    QLabel *m_attached; // says that the run is one started elsewhere (`pgferry-cli run`), followed here
    QPushButton *m_stop;
    QPushButton *m_cutover;
    LiveChart *m_throughput;
    LiveChart *m_lag;
    QHBoxLayout *m_cardRow;
    QList<DatabaseCard *> m_cards;
    QScrollArea *m_cardScroll;
    QTreeWidget *m_schemaList;
    QList<std::pair<QString, engine::SchemaChange>> m_schemaShown; // what m_schemaList shows
    QTabWidget *m_tabs;
    QLineEdit *m_search;
    QComboBox *m_stateFilter;
    QPushButton *m_retry;
    QPushButton *m_resync;
    QPushButton *m_schemaResync; // on the schema changes tab, for an unresolved table change
    QLabel *m_retryResult;       // the engine's answer to the last Retry or Resync
    QWidget *m_schemaTab;
    QTableView *m_view;
    TableStatusModel *m_model;
    TableStatusProxy *m_proxy;
    QPlainTextEdit *m_log;

    engine::MigrationStatus m_status;
    engine::MigrationStatus m_pending;
    bool m_hasPending = false;
    QTimer m_refresh;
    double m_lastChartX = -1e9;
    ApplyRate m_applyRate;
    QElapsedTimer m_clock;
    QString m_lastErrorText;
    void updateAttached();
};

} // namespace pgferry::wizard
