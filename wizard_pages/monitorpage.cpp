#include "monitorpage.h"

#include "databasecard.h"
#include "format.h"
#include "icons.h"
#include "livechart.h"
#include "migrationwizard.h"
#include "tablestatusmodel.h"
#include "tablestatusproxy.h"

#include "engine/attachedengine.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <optional>

namespace pgferry::wizard {

using engine::DatabasePhase;
using engine::RunState;

namespace {
constexpr int kCardAreaHeight = 150; // the cards' row, at least

enum SchemaColumn {
    SchemaDatabaseColumn,
    SchemaObjectColumn,
    SchemaKindColumn,
    SchemaStateColumn,
    SchemaDetailColumn
};
constexpr int kSchemaDatabaseRole = Qt::UserRole + 1;

} // namespace

MonitorPage::MonitorPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Migration dashboard"));
    setSubTitle(tr("The full load, then the stream of changes. Start the cutover when every database is "
                   "ready, or cut one "
                   "over from its card."));
    m_clock.start();

    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("runState"));
    QFont bf = m_state->font();
    bf.setBold(true);
    bf.setPointSizeF(bf.pointSizeF() * 1.1);
    m_state->setFont(bf);
    m_totals = new QLabel;
    m_totals->setObjectName(QStringLiteral("runTotals"));
    m_overall = new QProgressBar;
    m_overall->setObjectName(QStringLiteral("overallProgress"));
    m_overall->setAccessibleName(tr("Tables loaded, all databases"));
    m_overall->setFixedWidth(190);
    m_overall->setFormat(tr("%v of %m tables"));
    m_lastError = new QLabel;
    m_lastError->setObjectName(QStringLiteral("lastError"));
    m_lastError->setWordWrap(true);
    QPalette ep = m_lastError->palette();
    ep.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
    m_lastError->setPalette(ep);
    m_lastError->setVisible(false);
    m_attached = new QLabel;
    m_attached->setObjectName(QStringLiteral("attachedRun"));
    m_attached->setWordWrap(true);
    m_attached->setVisible(false);
    m_stop = new QPushButton(tr("&Stop"));
    m_stop->setObjectName(QStringLiteral("stopRun"));
    m_stop->setAccessibleName(tr("Stop or resume the run"));
    m_cutover = new QPushButton(tr("Start &cutover"));
    m_cutover->setObjectName(QStringLiteral("startCutover"));
    m_cutover->setAccessibleName(tr("Start cutover"));
    m_cutover->setEnabled(false);
    QFont cf = m_cutover->font();
    cf.setBold(true);
    m_cutover->setFont(cf);

    m_throughput = new LiveChart(tr("Throughput"), tr("rows/s"), tr("MB/s"));
    m_throughput->setObjectName(QStringLiteral("throughputChart"));
    // While streaming, the load's rates are 0: the changes the stream applies are what moves.
    m_throughput->addSeries(tr("changes/s"), LiveChart::Axis::Left, QColor(0x2e, 0x9d, 0x50));
    m_throughput->setAccessibleName(tr("Throughput chart"));
    m_lag = new LiveChart(tr("Replication lag"), tr("seconds"), tr("MB behind"));
    m_lag->setObjectName(QStringLiteral("lagChart"));
    m_lag->setAccessibleName(tr("Replication lag chart"));
    for (LiveChart *c : {m_throughput, m_lag})
        c->setMinimumHeight(150);

    auto *cardHost = new QWidget;
    m_cardRow = new QHBoxLayout(cardHost);
    m_cardRow->setContentsMargins(0, 0, 0, 0);
    m_cardRow->addStretch();
    auto *cardScroll = m_cardScroll = new QScrollArea;
    cardScroll->setObjectName(QStringLiteral("databaseCards"));
    cardScroll->setAccessibleName(tr("Databases")); // focusable: the arrow keys scroll the cards
    cardScroll->setWidget(cardHost);
    cardScroll->setWidgetResizable(true);
    cardScroll->setFrameShape(QFrame::NoFrame);
    cardScroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    cardScroll->setFixedHeight(kCardAreaHeight); // grows with the cards (schema changes add lines)

    m_model = new TableStatusModel(this);
    m_proxy = new TableStatusProxy(this);
    m_proxy->setSourceModel(m_model);
    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("tableGrid"));
    m_view->setAccessibleName(tr("Tables"));
    m_view->setModel(m_proxy);
    m_view->setTabKeyNavigation(false); // Tab leaves the grid (hundreds of cells); the arrow keys move in it
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TableStatusModel::StateColumn, Qt::AscendingOrder); // failed and loading first
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->horizontalHeader()->setSectionResizeMode(TableStatusModel::TableColumn, QHeaderView::Stretch);
    m_view->setWordWrap(false);
    const QList<std::pair<int, int>> widths{
        {TableStatusModel::DatabaseColumn, 85}, {TableStatusModel::StateColumn, 110},
        {TableStatusModel::RowsColumn, 100},    {TableStatusModel::SizeColumn, 70},
        {TableStatusModel::PercentColumn, 50},  {TableStatusModel::RateColumn, 120},
        {TableStatusModel::DurationColumn, 80}, {TableStatusModel::InsertsColumn, 60},
        {TableStatusModel::UpdatesColumn, 60},  {TableStatusModel::DeletesColumn, 60}};
    for (const auto &[col, w] : widths)
        m_view->setColumnWidth(col, w);

    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("tableSearch"));
    m_search->setAccessibleName(tr("Filter tables by name"));
    m_search->setPlaceholderText(tr("Filter by table or database…"));
    m_search->setClearButtonEnabled(true);
    m_stateFilter = new QComboBox;
    m_stateFilter->setObjectName(QStringLiteral("tableStateFilter"));
    m_stateFilter->setAccessibleName(tr("Show tables in state"));
    m_stateFilter->addItem(tr("All tables"), int(TableStatusProxy::StateFilter::All));
    m_stateFilter->addItem(tr("Failed"), int(TableStatusProxy::StateFilter::Failed));
    m_stateFilter->addItem(tr("In progress"), int(TableStatusProxy::StateFilter::InProgress));
    m_stateFilter->addItem(tr("Queued"), int(TableStatusProxy::StateFilter::Queued));
    m_stateFilter->addItem(tr("Done"), int(TableStatusProxy::StateFilter::Done));
    m_retry = new QPushButton(tr("&Retry table"));
    m_retry->setObjectName(QStringLiteral("retryTable"));
    m_retry->setAccessibleName(tr("Retry the selected failed table"));
    m_retry->setEnabled(false);
    m_retry->setToolTip(tr("Select a failed table to load it again."));

    m_resync = new QPushButton(tr("Res&ync table"));
    m_resync->setObjectName(QStringLiteral("resyncTable"));
    m_resync->setAccessibleName(tr("Copy the selected table again from a new snapshot"));
    m_resync->setEnabled(false);
    m_resync->setToolTip(
        tr("Select a table of a database that streams changes to copy it again from a new snapshot."));

    m_retryResult = new QLabel;
    m_retryResult->setObjectName(QStringLiteral("retryResult"));
    m_retryResult->setWordWrap(true);
    m_retryResult->setVisible(false);

    auto *tablesTab = new QWidget;
    auto *tv = new QVBoxLayout(tablesTab);
    tv->setContentsMargins(4, 4, 4, 4);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_stateFilter);
    filters->addWidget(m_retry);
    filters->addWidget(m_resync);
    tv->addLayout(filters);
    tv->addWidget(m_retryResult);
    tv->addWidget(m_view, 1);

    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("logPane"));
    m_log->setAccessibleName(tr("Log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_schemaList = new QTreeWidget;
    m_schemaList->setObjectName(QStringLiteral("schemaChangesList"));
    m_schemaList->setAccessibleName(tr("Schema changes seen on the source"));
    m_schemaList->setHeaderLabels({tr("Database"), tr("Object"), tr("Change"), tr("State"), tr("Detail")});
    m_schemaList->setRootIsDecorated(false);
    m_schemaList->setUniformRowHeights(true);
    m_schemaList->setAlternatingRowColors(true);
    m_schemaList->setWordWrap(false);
    m_schemaList->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (const auto &[col, w] : QList<std::pair<int, int>>{{SchemaDatabaseColumn, 85},
                                                           {SchemaObjectColumn, 220},
                                                           {SchemaKindColumn, 200},
                                                           {SchemaStateColumn, 150}})
        m_schemaList->setColumnWidth(col, w);
    m_schemaList->setContextMenuPolicy(Qt::CustomContextMenu);
    m_schemaResync = new QPushButton(tr("Res&ync table"));
    m_schemaResync->setObjectName(QStringLiteral("resyncSchemaTable"));
    m_schemaResync->setAccessibleName(
        tr("Copy the table of the selected unresolved change again from a new snapshot"));
    m_schemaResync->setEnabled(false);
    m_schemaTab = new QWidget;
    m_schemaTab->setObjectName(QStringLiteral("schemaChangesTab"));
    auto *sv = new QVBoxLayout(m_schemaTab);
    sv->setContentsMargins(4, 4, 4, 4);
    sv->addWidget(m_schemaList, 1);
    auto *schemaButtons = new QHBoxLayout;
    schemaButtons->addStretch();
    schemaButtons->addWidget(m_schemaResync);
    sv->addLayout(schemaButtons);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("monitorTabs"));
    m_tabs->addTab(tablesTab, tr("&Tables"));
    m_tabs->addTab(m_log, tr("&Log"));
    m_tabs->addTab(m_schemaTab, tr("Schema chan&ges"));
    m_tabs->setTabVisible(m_tabs->indexOf(m_schemaTab), false);

    auto *header = new QHBoxLayout;
    header->addWidget(m_state);
    header->addSpacing(12);
    header->addWidget(m_overall);
    header->addSpacing(12);
    header->addWidget(m_totals, 1);
    header->addWidget(m_stop);
    header->addWidget(m_cutover);
    auto *charts = new QHBoxLayout;
    charts->addWidget(m_throughput);
    charts->addWidget(m_lag);
    auto *top = new QWidget;
    auto *topV = new QVBoxLayout(top);
    topV->setContentsMargins(0, 0, 0, 0);
    topV->addLayout(charts, 1);
    topV->addWidget(cardScroll);
    auto *split = new QSplitter(Qt::Vertical);
    split->setObjectName(QStringLiteral("monitorSplitter"));
    split->addWidget(top);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({340, 260});
    split->setChildrenCollapsible(false);

    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(header);
    v->addWidget(m_attached);
    v->addWidget(m_lastError);
    v->addWidget(split, 1);

    // At most ten refreshes a second, however fast statuses arrive.
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(100);
    connect(&m_refresh, &QTimer::timeout, this, &MonitorPage::applyPending);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &TableStatusProxy::setSearchText);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setStateFilter(TableStatusProxy::StateFilter(m_stateFilter->currentData().toInt()));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MonitorPage::updateRetry);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MonitorPage::updateRetry);
    connect(m_retry, &QPushButton::clicked, this, &MonitorPage::retrySelected);
    connect(m_resync, &QPushButton::clicked, this, &MonitorPage::resyncSelected);
    connect(m_view, &QWidget::customContextMenuRequested, this, &MonitorPage::showTableMenu);
    connect(m_schemaList, &QTreeWidget::currentItemChanged, this, &MonitorPage::updateSchemaResync);
    connect(m_schemaList, &QWidget::customContextMenuRequested, this, &MonitorPage::showSchemaMenu);
    connect(m_schemaResync, &QPushButton::clicked, this, [this] {
        if (const auto t = selectedSchemaTable())
            resync(t->first, t->second);
    });
    connect(m_cutover, &QPushButton::clicked, wizard, &QWizard::next);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (mw()->isRunning()) {
            m_stop->setEnabled(false);
            appendLog(tr("Stopping… the run can be resumed later."));
            mw()->stopRun();
        } else {
            QString error;
            if (!mw()->startRun(&error))
                appendLog(tr("The run could not resume: %1").arg(error));
        }
    });
    connect(wizard, &MigrationWizard::statusChanged, this, &MonitorPage::setStatus);
    connect(wizard, &MigrationWizard::logLine, this, &MonitorPage::appendLog);
    connect(wizard, &MigrationWizard::runStarted, this, [this] {
        m_stop->setEnabled(true);
        m_stop->setText(tr("&Stop"));
        updateAttached();
    });
    connect(wizard, &MigrationWizard::runFinished, this, [this](bool ok) {
        m_stop->setEnabled(true);
        m_stop->setText(tr("Res&ume"));
        appendLog(ok ? tr("The run finished.")
                     : tr("The run ended: %1.").arg(Format::runState(mw()->status().state)));
        applyPending();
        updateAttached();
    });
}

void MonitorPage::updateAttached()
{
    const engine::AttachedEngine *run = mw()->attachedRun();
    if (run && mw()->isRunning()) {
        m_attached->setText(
            tr("Attached to a run started elsewhere (process %1 on %2, e.g. pgferry-cli run). This window "
               "follows "
               "it and sends it Stop, Retry and the cutover; closing the window leaves it running.")
                .arg(run->pid())
                .arg(run->host()));
        m_attached->setVisible(true);
    } else if (run) {
        m_attached->setText(
            tr("The run started elsewhere (process %1 on %2) has ended.").arg(run->pid()).arg(run->host()));
        m_attached->setVisible(true);
    } else {
        m_attached->setVisible(false);
    }
}

void MonitorPage::loadFrom(const project::Project &)
{
    m_attached->setVisible(false);
    m_status = {};
    m_hasPending = false;
    m_model->setStatus({});
    m_throughput->clear();
    m_lag->clear();
    m_lastChartX = -1e9;
    m_applyRate.reset();
    m_log->clear();
    for (DatabaseCard *c : m_cards)
        delete c;
    m_cards.clear();
    apply({});
}

void MonitorPage::initializePage()
{
    applyPending();
}

QStringList MonitorPage::notReadyReasons(const engine::MigrationStatus &s)
{
    QStringList reasons;
    if (s.databases.isEmpty())
        return {tr("No migration is running.")};
    if (s.mode == u"offline")
        return {tr("An offline migration has no cutover: it completes by itself.")};
    switch (s.state) {
    case RunState::Streaming:
        break;
    case RunState::CuttingOver:
        return {tr("The cutover is already under way.")};
    case RunState::Completed:
        return {tr("The migration is complete.")};
    case RunState::Fallback:
    case RunState::FailingBack:
        return {tr("The migration is cut over; the old server is kept as a fallback.")};
    case RunState::Failed:
        return {tr("The run failed; fix the errors and resume it.")};
    case RunState::Stopped:
    case RunState::Cancelled:
        return {tr("The run is stopped; resume it first.")};
    default:
        reasons << tr("The run is still in the %1 stage.").arg(Format::runState(s.state).toLower());
        break;
    }
    for (const engine::DatabaseStatus &d : s.databases) {
        if (d.readyForCutover || d.cutOver())
            continue;
        if (!d.notReadyReason.isEmpty())
            reasons << tr("%1: %2").arg(d.name, d.notReadyReason);
        else if (d.phase == DatabasePhase::FullLoad)
            reasons << tr("%1: full load %2 of %n table(s)", nullptr, d.tablesTotal)
                           .arg(d.name)
                           .arg(d.tablesDone);
        else if (d.tablesFailed > 0)
            reasons << tr("%1: %n table(s) failed", nullptr, d.tablesFailed).arg(d.name);
        else
            reasons << tr("%1: %2, lag %3").arg(d.name, Format::phase(d.phase), Format::bytes(d.lagBytes));
    }
    if (reasons.isEmpty() && !s.readyForCutover())
        reasons << tr("Waiting for the engine to report readiness.");
    return reasons;
}

bool MonitorPage::isComplete() const
{
    if (m_status.state == RunState::Completed || m_status.state == RunState::Fallback ||
        m_status.state == RunState::FailingBack)
        return true;
    return m_status.readyForCutover();
}

int MonitorPage::nextId() const
{
    if (m_status.state == RunState::Completed || m_status.state == RunState::Fallback ||
        m_status.state == RunState::FailingBack || m_status.mode == u"offline")
        return MigrationWizard::DonePage;
    return MigrationWizard::CutoverPage;
}

void MonitorPage::setStatus(const engine::MigrationStatus &status)
{
    m_pending = status;
    m_hasPending = true;
    if (!m_refresh.isActive())
        m_refresh.start();
}

void MonitorPage::applyPending()
{
    m_refresh.stop();
    if (!m_hasPending)
        return;
    m_hasPending = false;
    apply(m_pending);
}

void MonitorPage::apply(const engine::MigrationStatus &s)
{
    const bool wasComplete = isComplete();
    m_status = s;
    m_model->setStatus(s);

    int total = 0, done = 0;
    for (const auto &d : s.databases) {
        total += d.tablesTotal;
        done += d.tablesDone;
    }
    m_overall->setRange(0, std::max(1, total));
    m_overall->setValue(done);
    m_state->setText(Format::runState(s.state));
    const double elapsed =
        s.startedAt.isValid()
            ? s.startedAt.secsTo(s.updatedAt.isValid() ? s.updatedAt : QDateTime::currentDateTime())
            : 0;
    m_totals->setText(
        tr("%1 row(s) · %2 copied · %3 elapsed", nullptr, Format::plural(s.rowsCopied()))
            .arg(Format::count(s.rowsCopied()), Format::bytes(s.bytesCopied()), Format::duration(elapsed)));

    // Cards: one per database, reused while the databases stay the same.
    while (m_cards.size() > s.databases.size())
        delete m_cards.takeLast();
    while (m_cards.size() < s.databases.size()) {
        auto *card = new DatabaseCard;
        connect(card, &DatabaseCard::schemaChangesRequested, this, &MonitorPage::showSchemaChanges);
        connect(card, &DatabaseCard::cutoverRequested, this, &MonitorPage::cutOverDatabase);
        m_cardRow->insertWidget(int(m_cards.size()), card);
        m_cards.append(card);
        // Tab meets the cards' buttons where the cards are (a new widget would come last, after the grid).
        QWidget *previous = m_cardScroll;
        for (const DatabaseCard *c : std::as_const(m_cards))
            for (QToolButton *b : c->findChildren<QToolButton *>()) {
                QWidget::setTabOrder(previous, b);
                previous = b;
            }
    }
    for (qsizetype i = 0; i < s.databases.size(); ++i)
        m_cards[i]->setStatus(s.databases[i]);
    // The row is as tall as the tallest card (plus the scroll bar under it), and at least kCardAreaHeight.
    int cardHeight = 0;
    for (const DatabaseCard *c : std::as_const(m_cards))
        cardHeight = std::max(cardHeight, c->sizeHint().height());
    const int areaHeight =
        std::max(kCardAreaHeight, cardHeight + m_cardScroll->horizontalScrollBar()->sizeHint().height());
    if (areaHeight != m_cardScroll->maximumHeight())
        m_cardScroll->setFixedHeight(areaHeight);
    updateSchemaChanges(s);
    updateRetry(); // a database's phase decides Resync
    updateSchemaResync();

    // Charts: one point a second at most.
    if (!s.databases.isEmpty()) {
        const double x = elapsed;
        if (x >= m_lastChartX + 1.0 || x < m_lastChartX) {
            if (x < m_lastChartX) {
                m_throughput->clear();
                m_lag->clear();
                m_applyRate.reset();
            }
            m_lastChartX = x;
            // In the order of the chart's series: rows/s, MB/s, changes/s.
            m_throughput->addPoint(
                x, {s.rowsPerSecond(), s.bytesPerSecond() / (1024.0 * 1024.0), m_applyRate.sample(x, s)});
            m_lag->addPoint(x, s.lagSeconds(), double(s.lagBytes()) / (1024.0 * 1024.0));
        }
    }

    const QString err = s.errors.isEmpty() ? QString() : s.errors.last();
    m_lastError->setText(err.isEmpty() ? QString() : tr("Last error: %1").arg(err));
    m_lastError->setVisible(!err.isEmpty());
    if (!err.isEmpty() && err != m_lastErrorText)
        appendLog(err);
    m_lastErrorText = err;

    const QStringList reasons = notReadyReasons(s);
    const bool online = s.mode != u"offline";
    m_cutover->setVisible(online);
    m_cutover->setEnabled(online && s.readyForCutover());
    m_cutover->setToolTip(
        s.readyForCutover()
            ? tr("Every database is ready: pending changes are low and the full load is complete.")
            : tr("Not ready yet:") + QStringLiteral("\n• ") + reasons.join(QStringLiteral("\n• ")));
    const bool ended =
        s.state == RunState::Stopped || s.state == RunState::Failed || s.state == RunState::Cancelled;
    m_stop->setText(ended && !mw()->isRunning() ? tr("Res&ume") : tr("&Stop"));
    m_stop->setEnabled(s.state != RunState::Completed && s.state != RunState::NotStarted);
    if (wasComplete != isComplete())
        Q_EMIT completeChanged();
}

void MonitorPage::updateSchemaChanges(const engine::MigrationStatus &s)
{
    QList<std::pair<QString, engine::SchemaChange>> changes;
    int unresolved = 0;
    for (const engine::DatabaseStatus &d : s.databases)
        for (const engine::SchemaChange &c : d.schemaChanges) {
            changes.append({d.name, c});
            unresolved += c.unresolved() ? 1 : 0;
        }
    if (changes == m_schemaShown)
        return;
    // The selected change stays selected (a state may change, rows before it may be added).
    const QModelIndex current = m_schemaList->currentIndex();
    const std::optional<std::pair<QString, engine::SchemaChange>> selected =
        current.isValid() && current.row() < m_schemaShown.size()
            ? std::optional(m_schemaShown[current.row()])
            : std::nullopt;
    m_schemaShown = changes;
    const int tab = m_tabs->indexOf(m_schemaTab);
    m_tabs->setTabVisible(tab, !changes.isEmpty());
    m_tabs->setTabText(
        tab, unresolved > 0 ? tr("Schema chan&ges (%1 of %2 unresolved)").arg(unresolved).arg(changes.size())
                            : tr("Schema chan&ges (%1)").arg(changes.size()));
    m_tabs->setTabIcon(tab, unresolved > 0 ? severityIcon(Severity::Blocker) : QIcon());

    m_schemaList->clear();
    QList<QTreeWidgetItem *> items;
    for (const auto &[database, c] : std::as_const(changes)) {
        auto *item = new QTreeWidgetItem;
        item->setText(SchemaDatabaseColumn, database);
        item->setData(SchemaDatabaseColumn, kSchemaDatabaseRole, database);
        item->setText(SchemaObjectColumn, c.object);
        item->setText(SchemaKindColumn, c.kind);
        item->setText(SchemaStateColumn, DatabaseCard::schemaStateText(c.state));
        item->setText(SchemaDetailColumn, c.detail);
        item->setIcon(SchemaStateColumn, severityIcon(c.unresolved()          ? Severity::Blocker
                                                      : c.state == u"applied" ? Severity::Pass
                                                                              : Severity::Info));
        if (c.unresolved())
            item->setForeground(SchemaStateColumn, severityColor(Severity::Blocker));
        // The statement as the tooltip (what ran on the target, or the source's command); the
        // detail column's tooltip is the whole detail. Rich text, so that long lines wrap.
        const auto para = [](const QString &t) {
            return t.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>"));
        };
        QString tip;
        if (!c.statement.isEmpty())
            tip = QStringLiteral("<p><b>%1</b></p><p style='font-family:monospace'>%2</p>")
                      .arg((c.unresolved() ? tr("On the source:") : tr("On the target:")).toHtmlEscaped(),
                           para(c.statement));
        if (!c.lsn.isEmpty())
            tip += QStringLiteral("<p>%1</p>").arg(tr("Source position %1").arg(c.lsn).toHtmlEscaped());
        const QString detailTip =
            c.detail.isEmpty() ? QString() : QStringLiteral("<p>%1</p>").arg(para(c.detail));
        for (int col : {SchemaDatabaseColumn, SchemaObjectColumn, SchemaKindColumn, SchemaStateColumn})
            item->setToolTip(col, tip.isEmpty() ? detailTip : tip);
        item->setToolTip(SchemaDetailColumn, detailTip);
        items << item;
    }
    m_schemaList->addTopLevelItems(items);
    if (selected)
        for (qsizetype i = 0; i < changes.size(); ++i) {
            const auto &[database, c] = changes[i];
            if (database == selected->first && c.object == selected->second.object &&
                c.kind == selected->second.kind && c.lsn == selected->second.lsn) {
                m_schemaList->setCurrentItem(m_schemaList->topLevelItem(int(i)));
                break;
            }
        }
}

void MonitorPage::showSchemaChanges(const QString &database)
{
    m_tabs->setCurrentWidget(m_schemaTab);
    QTreeWidgetItem *first = nullptr;
    for (int i = 0; i < m_schemaList->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_schemaList->topLevelItem(i);
        if (item->data(SchemaDatabaseColumn, kSchemaDatabaseRole).toString() != database)
            continue;
        if (!first)
            first = item;
        if (m_schemaShown.value(i).second.unresolved()) {
            first = item;
            break;
        }
    }
    if (first) {
        m_schemaList->setCurrentItem(first);
        m_schemaList->scrollToItem(first);
    }
    m_schemaList->setFocus();
}

void MonitorPage::appendLog(const QString &line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void MonitorPage::updateRetry()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    bool failed = false;
    if (!rows.isEmpty()) {
        const QModelIndex src = m_proxy->mapToSource(rows.first());
        failed = src.isValid() && m_model->rowAt(src.row()).table.state == engine::TableState::Failed;
        if (failed)
            m_retry->setToolTip(m_model->rowAt(src.row()).table.error);
    }
    m_retry->setEnabled(failed);

    QString why;
    bool resync = false;
    if (rows.isEmpty()) {
        why = tr("Select a table of a database that streams changes to copy it again from a new snapshot.");
    } else {
        const QModelIndex src = m_proxy->mapToSource(rows.first());
        if (src.isValid()) {
            const TableStatusModel::Row &r = m_model->rowAt(src.row());
            resync = canResync(r.database, &why);
            if (resync)
                why = tr("Copy %1 of %2 again from a new snapshot, then stream its changes.")
                          .arg(r.table.qualifiedName(), r.database);
        }
    }
    m_resync->setEnabled(resync);
    m_resync->setToolTip(why);
}

bool MonitorPage::canResync(const QString &database, QString *whyNot) const
{
    QString why;
    bool ok = false;
    if (m_status.mode == u"offline") {
        why = tr("An offline migration does not stream changes: run it again to load what is missing.");
    } else {
        const engine::DatabaseStatus *db = nullptr;
        for (const engine::DatabaseStatus &d : m_status.databases)
            if (d.name == database)
                db = &d;
        if (!db)
            why = tr("%1 is not part of this run.").arg(database);
        else if (db->phase != DatabasePhase::Streaming)
            why = tr("A table is copied again only while its database streams changes; %1 is at: %2.")
                      .arg(database, Format::phase(db->phase));
        else
            ok = true;
    }
    if (whyNot)
        *whyNot = why;
    return ok;
}

std::optional<std::pair<QString, QString>> MonitorPage::selectedSchemaTable() const
{
    const QModelIndex current = m_schemaList->currentIndex();
    const int row = current.isValid() ? current.row() : -1;
    if (row < 0 || row >= m_schemaShown.size())
        return std::nullopt;
    const auto &[database, change] = m_schemaShown[row];
    // A table's change (schema.table); a column's (schema.table.column) or an index's are not copied.
    if (!change.unresolved() || change.object.count(u'.') != 1)
        return std::nullopt;
    return std::pair(database, change.object);
}

void MonitorPage::updateSchemaResync()
{
    const auto t = selectedSchemaTable();
    QString why;
    const bool ok = t && canResync(t->first, &why);
    m_schemaResync->setEnabled(ok);
    if (!t)
        why = tr("Select an unresolved change of a table to copy the table again from a new snapshot.");
    else if (ok)
        why =
            tr("Copy %1 of %2 again from a new snapshot, then stream its changes.").arg(t->second, t->first);
    m_schemaResync->setToolTip(why);
}

void MonitorPage::cutOverDatabase(const QString &database)
{
    QMessageBox ask(
        QMessageBox::Question, tr("Cut over %1").arg(database),
        tr("Cut over %1 now? Its source database becomes read-only and its remaining changes are applied, "
           "then its sequences, foreign keys and triggers are set and it is verified. The other databases "
           "keep streaming.")
            .arg(database),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    ask.setObjectName(QStringLiteral("confirmCardCutover"));
    ask.button(QMessageBox::Yes)->setText(tr("&Cut over"));
    ask.setDefaultButton(QMessageBox::Cancel);
    if (ask.exec() != QMessageBox::Yes)
        return;
    QString why;
    if (mw()->requestCutoverOf(database, &why)) {
        appendLog(tr("Cutting over %1; the other databases keep streaming.").arg(database));
        return;
    }
    const QString text = tr("%1 cannot be cut over now: %2")
                             .arg(database, why.isEmpty() ? tr("the engine gave no reason") : why);
    appendLog(text);
    QMessageBox refused(QMessageBox::Warning, tr("Cut over %1").arg(database), text, QMessageBox::Ok, this);
    refused.setObjectName(QStringLiteral("cardCutoverRefused"));
    refused.exec();
}

void MonitorPage::resyncSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const TableStatusModel::Row r = m_model->rowAt(m_proxy->mapToSource(rows.first()).row());
    resync(r.database, r.table.qualifiedName());
}

void MonitorPage::resync(const QString &database, const QString &table)
{
    QMessageBox ask(
        QMessageBox::Question, tr("Resync table"),
        tr("Copy %1 of %2 again from a new snapshot? Other tables of that database wait while it copies.")
            .arg(table, database),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    ask.setObjectName(QStringLiteral("confirmResync"));
    ask.button(QMessageBox::Yes)->setText(tr("&Resync"));
    ask.setDefaultButton(QMessageBox::Cancel);
    if (ask.exec() != QMessageBox::Yes)
        return;
    QString why;
    QPalette pal = m_retryResult->palette();
    const bool accepted = mw()->resyncTable(database, table, &why);
    QString text;
    if (accepted) {
        text = tr("%1 in %2 is being copied again from a new snapshot; its changes stream once the copy is "
                  "done.")
                   .arg(table, database);
        pal.setColor(QPalette::WindowText, palette().color(QPalette::WindowText));
    } else {
        if (why.isEmpty())
            why = tr("the engine gave no reason");
        text = tr("%1 in %2 cannot be copied again: %3").arg(table, database, why);
        pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
    }
    m_retryResult->setText(text);
    m_retryResult->setPalette(pal);
    m_retryResult->setVisible(true);
    appendLog(text);
    if (!accepted) {
        QMessageBox refused(QMessageBox::Warning, tr("Resync table"), text, QMessageBox::Ok, this);
        refused.setObjectName(QStringLiteral("resyncRefused"));
        refused.exec();
    }
}

void MonitorPage::showTableMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    m_view->selectRow(index.row());
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("tableMenu"));
    QAction *retry = menu.addAction(m_retry->text(), this, &MonitorPage::retrySelected);
    retry->setEnabled(m_retry->isEnabled());
    QAction *resync = menu.addAction(m_resync->text(), this, &MonitorPage::resyncSelected);
    resync->setEnabled(m_resync->isEnabled());
    resync->setToolTip(m_resync->toolTip());
    menu.setToolTipsVisible(true);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void MonitorPage::showSchemaMenu(const QPoint &pos)
{
    QTreeWidgetItem *item = m_schemaList->itemAt(pos);
    if (!item)
        return;
    m_schemaList->setCurrentItem(item);
    if (!selectedSchemaTable())
        return; // only a table's unresolved change has something to offer
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("schemaChangeMenu"));
    QAction *resync = menu.addAction(m_schemaResync->text(), m_schemaResync, &QPushButton::click);
    resync->setEnabled(m_schemaResync->isEnabled());
    resync->setToolTip(m_schemaResync->toolTip());
    menu.setToolTipsVisible(true);
    menu.exec(m_schemaList->viewport()->mapToGlobal(pos));
}

void MonitorPage::retrySelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    // Copies: the engine's answer may come with a new status that replaces the rows.
    const TableStatusModel::Row r = m_model->rowAt(m_proxy->mapToSource(rows.first()).row());
    const QString table = r.table.qualifiedName();
    QString why;
    QPalette pal = m_retryResult->palette();
    if (mw()->retryTable(r.database, table, &why)) {
        // Accepted: the table is queued again; a status still on its way from before the retry
        // would show it failed once more, so it is dropped.
        m_hasPending = false;
        m_model->setTableState(r.database, table, engine::TableState::Queued);
        const QString text = tr("%1 in %2 is queued to load again.").arg(table, r.database);
        m_retryResult->setText(text);
        pal.setColor(QPalette::WindowText, palette().color(QPalette::WindowText));
        appendLog(text);
    } else {
        if (why.isEmpty())
            why = tr("the engine gave no reason");
        const QString text = tr("%1 in %2 cannot be retried: %3").arg(table, r.database, why);
        m_retryResult->setText(text);
        pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
        appendLog(text);
    }
    m_retryResult->setPalette(pal);
    m_retryResult->setVisible(true);
    updateRetry();
}

} // namespace pgferry::wizard
