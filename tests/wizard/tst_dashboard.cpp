// The dashboard follows a sequence of MigrationStatus values: the table model updates in place
// (sorting, filter and selection survive), the cards say "Full load completed N of M tables",
// Start cutover is enabled exactly when the run is ready and its tooltip says what is missing,
// the cards name the schema changes seen on the source (unresolved ones in the problem colour) and
// how they are seen, and the list of them shows each statement, Resync (grid, row menu, schema
// changes tab) asks first and calls the engine only for a streaming database's table, the cutover checklist
// follows the run, the charts' axes read as round, distinct numbers at any scale and size, the throughput
// chart shows the stream's apply rate, and the event loop keeps up with a fast engine.
#include "applyrate.h"
#include "cutoverpage.h"
#include "databasecard.h"
#include "fakeengine.h"
#include "guiapp.h"
#include "icons.h"
#include "livechart.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "tablestatusmodel.h"
#include "tablestatusproxy.h"
#include "widgetfind.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QValueAxis>

#include <cmath>
#include <memory>

using namespace pgferry;
using namespace pgferry::wizard;
using engine::MigrationStatus;
using engine::RunState;
using test::answerNextBox;

class TestDashboard : public QObject
{
    Q_OBJECT

    static MigrationStatus ready()
    {
        MigrationStatus s = SampleServices::sampleStatus(6000);
        s.errors.clear();
        for (auto &d : s.databases) {
            d.readyForCutover = true;
            d.notReadyReason.clear();
        }
        s.state = RunState::Streaming;
        return s;
    }

    // Shows the wizard on the sample project, starts its run and opens the Monitor page.
    static MonitorPage *runOnMonitor(MigrationWizard &w)
    {
        w.show();
        w.setProject(SampleServices::sampleProject());
        QString error;
        if (!w.startRun(&error)) {
            qWarning().noquote() << "the run did not start:" << error;
            return nullptr;
        }
        w.goToPage(MigrationWizard::MonitorPage);
        return static_cast<MonitorPage *>(w.currentPage());
    }

    // The grid's row (in the view's order) of the first table that `pred(database, table)` takes; -1 if none.
    template<typename Pred> static int gridRow(MonitorPage *monitor, Pred pred)
    {
        for (int i = 0; i < monitor->proxy()->rowCount(); ++i) {
            const TableStatusModel::Row &r =
                monitor->model()->rowAt(monitor->proxy()->mapToSource(monitor->proxy()->index(i, 0)).row());
            if (pred(r.database, r.table))
                return i;
        }
        return -1;
    }

    // The labels a value axis shows, read from the chart's scene (what a user sees), bottom to top.
    static QStringList shownLabels(LiveChart &chart, LiveChart::Axis axis)
    {
        const QRectF plot = chart.chart()->plotArea();
        QList<QPair<double, QString>> found;
        const QList<QGraphicsItem *> items = chart.scene()->items();
        for (QGraphicsItem *item : items) {
            auto *text = dynamic_cast<QGraphicsTextItem *>(item);
            if (!text || !text->parentItem() || !text->parentItem()->isVisible())
                continue;
            const QRectF r = text->sceneBoundingRect();
            const bool side =
                axis == LiveChart::Axis::Left ? r.right() <= plot.left() + 1 : r.left() >= plot.right() - 1;
            if (side && r.center().y() >= plot.top() - 2 && r.center().y() <= plot.bottom() + 2)
                // QtCharts hides a label that would overlap its neighbour: a scale without its number.
                found.append(
                    {r.center().y(), text->isVisible() ? text->toPlainText() : QStringLiteral("(hidden)")});
        }
        std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        QStringList labels;
        for (const auto &f : std::as_const(found))
            labels << f.second;
        return labels;
    }

    // Labels that read as a scale: whole, distinct, increasing from 0 in one step of 1, 2 or 5 × 10^n, up to
    // at least `max`.
    static QString scaleProblem(const QStringList &labels, double max)
    {
        const QString shown = labels.join(QStringLiteral(", "));
        if (labels.size() < 2)
            return QStringLiteral("fewer than two labels: ") + shown;
        QList<double> values;
        for (const QString &l : labels) {
            if (l.contains(u'…') || l.contains(QStringLiteral("...")))
                return QStringLiteral("a label is cut short: ") + shown;
            bool ok = false;
            values << l.toDouble(&ok);
            if (!ok)
                return QStringLiteral("a label is not a number: ") + shown;
        }
        if (values.first() != 0)
            return QStringLiteral("the scale does not start at 0: ") + shown;
        if (values.last() < max)
            return QStringLiteral("the scale ends below the highest value: ") + shown;
        const double step = values[1] - values[0];
        for (qsizetype i = 1; i < values.size(); ++i)
            if (!(values[i] > values[i - 1]) || std::abs(values[i] - values[i - 1] - step) > step * 1e-6)
                return QStringLiteral("labels are not distinct and evenly spaced: ") + shown;
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        bool round = false;
        for (double m : {1.0, 2.0, 5.0})
            round = round || std::abs(mantissa - m) < 1e-6;
        if (!round)
            return QStringLiteral("the step is not 1, 2 or 5 × 10^n: ") + shown;
        return {};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(installTranslation(*qApp, QStringLiteral("en"))); } // English plural forms

    void theModelUpdatesInPlaceFromASequenceOfStatuses()
    {
        TableStatusModel model;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setStatus(SampleServices::sampleStatus(10));
        QCOMPARE(model.resets(), 1);
        const int rows = model.rowCount();
        QCOMPARE(rows, 14 + 38 + 9 + 22 + 61);
        for (double t = 20; t <= 3000; t += 50)
            model.setStatus(SampleServices::sampleStatus(t));
        QCOMPARE(model.resets(), 1); // same tables: no reset
        QVERIFY(changed.count() >= 50);
        QCOMPARE(model.rowCount(), rows);
        // Late in the run, the first table of every database is done.
        const QModelIndex state = model.index(0, TableStatusModel::StateColumn);
        QCOMPARE(state.data().toString(), QStringLiteral("Done"));
        QCOMPARE(model.index(0, TableStatusModel::PercentColumn).data().toString(), QStringLiteral("100 %"));
        // A new table set resets.
        MigrationStatus fewer = SampleServices::sampleStatus(3000);
        fewer.databases.removeLast();
        model.setStatus(fewer);
        QCOMPARE(model.resets(), 2);
        QCOMPARE(model.rowCount(), rows - 61);
    }

    void theGridFiltersByNameAndState()
    {
        TableStatusModel model;
        TableStatusProxy proxy;
        proxy.setSourceModel(&model);
        model.setStatus(SampleServices::sampleStatus(300));
        proxy.setStateFilter(TableStatusProxy::StateFilter::Failed);
        QCOMPARE(proxy.rowCount(), 1);
        QVERIFY(proxy.index(0, TableStatusModel::TableColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(u"No space left"));
        proxy.setStateFilter(TableStatusProxy::StateFilter::All);
        proxy.setSearchText(QStringLiteral("billing"));
        QCOMPARE(proxy.rowCount(), 9);
        proxy.setSearchText(QStringLiteral("ORDER_LINES"));
        QVERIFY(proxy.rowCount() >= 5);
    }

    void cardsSayHowFarTheFullLoadIs()
    {
        MigrationStatus s = SampleServices::sampleStatus(6000);
        engine::DatabaseStatus d = s.databases.first();
        d.tablesDone = 12;
        d.tablesTotal = 14;
        QCOMPARE(DatabaseCard::progressText(d), QStringLiteral("Full load completed 12 of 14 tables"));
        d.phase = engine::DatabasePhase::FullLoad;
        QCOMPARE(DatabaseCard::progressText(d), QStringLiteral("Full load: 12 of 14 tables loaded"));
    }

    // One applied and one unresolved change on orders; none on billing.
    static MigrationStatus withSchemaChanges()
    {
        MigrationStatus s = ready();
        for (auto &d : s.databases) {
            d.schemaChanges.clear();
            d.ddlCapture = QStringLiteral("event trigger");
        }
        engine::DatabaseStatus &orders = s.databases[0];
        orders.ddlCapture = QStringLiteral("watch only");
        orders.schemaChanges = {
            {QStringLiteral("public.orders.gift_note"), QStringLiteral("column added"),
             QStringLiteral("ALTER TABLE public.orders ADD COLUMN gift_note text"), QStringLiteral("applied"),
             QString(), QStringLiteral("2/1C7730E8")},
            {QStringLiteral("public.promo_codes"), QStringLiteral("table created without a key"),
             QStringLiteral("CREATE TABLE public.promo_codes (code text, pct int)"),
             QStringLiteral("unresolved"),
             QStringLiteral("its updates and deletes cannot stream: add a primary key and restart this "
                            "database's migration, or exclude it"),
             QStringLiteral("2/1C7741A0")},
        };
        orders.readyForCutover = false;
        orders.notReadyReason =
            QStringLiteral("schema not in sync: public.promo_codes (table created without a key)");
        return s;
    }

    // The card is narrow: a long "name → target" is elided in the middle, and whole in the tooltip.
    void aLongCardTitleIsElidedWithItsWholeNameInTheTooltip()
    {
        MigrationStatus s = withSchemaChanges();
        engine::DatabaseStatus d = s.databases[0];
        d.name = QStringLiteral("customer_relationship_management_archive_2019");
        d.targetName = QStringLiteral("crm_archive_2019_migrated_to_azure");
        DatabaseCard card;
        card.setStatus(d);
        card.show();
        QVERIFY(QTest::qWaitForWindowExposed(&card));
        auto *title = test::findNamed<QLabel>(&card, "cardTitle");
        const QString whole = d.name + QStringLiteral(" → ") + d.targetName;
        QVERIFY2(title->text().contains(u'…') && title->text() != whole, qPrintable(title->text()));
        QVERIFY2(title->text().startsWith(u"customer") && title->text().endsWith(u"azure"),
                 qPrintable(title->text()));
        QVERIFY(title->fontMetrics().horizontalAdvance(title->text()) <= title->width());
        QCOMPARE(title->toolTip(), whole);

        d.name = QStringLiteral("shop");
        d.targetName.clear();
        card.setStatus(d);
        QCOMPARE(title->text(), QStringLiteral("shop"));
        QVERIFY(title->toolTip().isEmpty());
    }

    void cardsShowSchemaChangesAndHowTheyAreSeen()
    {
        const MigrationStatus s = withSchemaChanges();
        DatabaseCard card;
        card.setStatus(s.databases[0]);
        QToolButton *badge = card.schemaBadge();
        QCOMPARE(badge->objectName(), QStringLiteral("cardSchemaChanges"));
        QVERIFY(!badge->isHidden());
        QCOMPARE(badge->text(), QStringLiteral("1 unresolved schema change"));
        QCOMPARE(badge->palette().color(QPalette::ButtonText), severityColor(Severity::Blocker));
        const QString tip = badge->toolTip();
        for (const QString &part :
             {QStringLiteral("public.promo_codes"), QStringLiteral("table created without a key"),
              QStringLiteral("unresolved"), QStringLiteral("add a primary key and restart"),
              QStringLiteral("public.orders.gift_note"), QStringLiteral("applied"),
              QStringLiteral("2 schema changes")})
            QVERIFY2(tip.contains(part.toHtmlEscaped()), qPrintable(part + QStringLiteral(" not in ") + tip));
        QVERIFY2(tip.indexOf(u"public.promo_codes") < tip.indexOf(u"public.orders.gift_note"),
                 qPrintable(tip));             // unresolved first
        QVERIFY(!tip.contains(u"ADD COLUMN")); // statements are in the list
        QCOMPARE(card.captureLabel()->text(), QStringLiteral("Schema: watched only"));
        QVERIFY(!card.captureLabel()->isHidden());

        // Resolved (the database was restarted and the change carried): neutral, counting all.
        engine::DatabaseStatus applied = s.databases[0];
        applied.schemaChanges[1].state = QStringLiteral("applied");
        card.setStatus(applied);
        QCOMPARE(badge->text(), QStringLiteral("2 schema changes"));
        QVERIFY(badge->palette().color(QPalette::ButtonText) != severityColor(Severity::Blocker));
        QVERIFY(!badge->toolTip().contains(u"hold the cutover"));

        // No changes: no badge; the capture mode is still said.
        card.setStatus(s.databases[2]);
        QVERIFY(badge->isHidden());
        QVERIFY(DatabaseCard::schemaBadgeText(s.databases[2]).isEmpty());
        QCOMPARE(card.captureLabel()->text(), QStringLiteral("Schema: carried (event trigger)"));
        // Offline, or not streaming yet: nothing about schema changes at all.
        engine::DatabaseStatus offline = s.databases[2];
        offline.ddlCapture.clear();
        card.setStatus(offline);
        QVERIFY(card.captureLabel()->isHidden());
        QVERIFY(badge->isHidden());
    }

    void theDashboardListsSchemaChangesAndTheCardsFitThem()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.resize(1180, 820);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *tabs = w.findChild<QTabWidget *>(QStringLiteral("monitorTabs"));
        QTreeWidget *list = monitor->schemaChangesList();
        auto *schemaTab = w.findChild<QWidget *>(QStringLiteral("schemaChangesTab"));
        QVERIFY(schemaTab && schemaTab->isAncestorOf(list));
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(schemaTab)));

        services->engine->publish(withSchemaChanges());
        monitor->applyPending();
        QCOMPARE(monitor->cards().size(), 5);
        DatabaseCard *orders = monitor->cards()[0];
        DatabaseCard *billing = monitor->cards()[2];
        QTRY_VERIFY(orders->isVisible() &&
                    billing->isVisible()); // new cards show at the next event loop pass
        QCOMPARE(orders->schemaBadge()->text(), QStringLiteral("1 unresolved schema change"));
        QVERIFY(orders->schemaBadge()->isVisible());
        QVERIFY(orders->schemaBadge()->toolTip().contains(u"public.promo_codes"));
        QVERIFY(!billing->schemaBadge()->isVisible());
        QVERIFY(billing->captureLabel()->isVisible());
        // The cutover waits, naming the change.
        QVERIFY(!monitor->cutoverButton()->isEnabled());
        QVERIFY2(
            monitor->cutoverButton()->toolTip().contains(u"orders: schema not in sync: public.promo_codes"),
            qPrintable(monitor->cutoverButton()->toolTip()));

        // Every line of every card is inside the card, and every card inside the visible row.
        auto *area = w.findChild<QWidget *>(QStringLiteral("databaseCards"));
        QTRY_VERIFY(orders->schemaBadge()->geometry().bottom() < orders->height());
        QTRY_VERIFY2(
            orders->height() >= orders->sizeHint().height(),
            qPrintable(QStringLiteral("%1 < %2").arg(orders->height()).arg(orders->sizeHint().height())));
        const QPoint bottom = orders->mapTo(area, QPoint(0, orders->height()));
        QVERIFY2(bottom.y() <= area->height(),
                 qPrintable(QStringLiteral("%1 > %2").arg(bottom.y()).arg(area->height())));
        for (DatabaseCard *c : {orders, billing})
            for (QWidget *line : std::initializer_list<QWidget *>{c->captureLabel(), c->schemaBadge()})
                if (line->isVisible())
                    QVERIFY2(line->sizeHint().width() <= line->width() &&
                                 line->geometry().right() < c->width(),
                             qPrintable(line->objectName() + QStringLiteral(" is cut: %1 > %2")
                                                                 .arg(line->sizeHint().width())
                                                                 .arg(line->width())));

        // The list: tab shown with the counts, one row per change, the statement as the tooltip.
        QVERIFY(tabs->isTabVisible(tabs->indexOf(schemaTab)));
        QVERIFY2(tabs->tabText(tabs->indexOf(schemaTab)).contains(u"1 of 2 unresolved"),
                 qPrintable(tabs->tabText(tabs->indexOf(schemaTab))));
        QCOMPARE(list->topLevelItemCount(), 2);
        QTreeWidgetItem *row = list->topLevelItem(1);
        QCOMPARE(row->text(0), QStringLiteral("orders"));
        QCOMPARE(row->text(1), QStringLiteral("public.promo_codes"));
        QCOMPARE(row->text(2), QStringLiteral("table created without a key"));
        QCOMPARE(row->text(3), QStringLiteral("unresolved"));
        QVERIFY(row->text(4).contains(u"add a primary key"));
        QVERIFY2(row->toolTip(1).contains(u"CREATE TABLE public.promo_codes"), qPrintable(row->toolTip(1)));
        QVERIFY(list->topLevelItem(0)->toolTip(1).contains(
            u"ALTER TABLE public.orders ADD COLUMN gift_note text"));

        // The badge opens the list on the unresolved change.
        QTest::mouseClick(orders->schemaBadge(), Qt::LeftButton);
        QCOMPARE(tabs->currentWidget(), schemaTab);
        QCOMPARE(list->currentItem(), row);

        // Resolved, and a new change elsewhere: the selection stays on the same change.
        MigrationStatus later = withSchemaChanges();
        later.databases[0].schemaChanges[1].state = QStringLiteral("applied");
        later.databases[0].readyForCutover = true;
        later.databases[0].notReadyReason.clear();
        later.databases[1].schemaChanges
            << engine::SchemaChange{QStringLiteral("public.stock_idx"),
                                    QStringLiteral("index created"),
                                    QStringLiteral("CREATE INDEX stock_idx ON public.stock (sku)"),
                                    QStringLiteral("applied"),
                                    QString(),
                                    QStringLiteral("2/1C775000")};
        services->engine->publish(later);
        monitor->applyPending();
        QCOMPARE(list->topLevelItemCount(), 3);
        QVERIFY(list->currentItem());
        QCOMPARE(list->currentItem()->text(1), QStringLiteral("public.promo_codes"));
        QCOMPARE(list->currentItem()->text(3), QStringLiteral("applied"));
        QCOMPARE(tabs->tabText(tabs->indexOf(schemaTab)), QStringLiteral("Schema chan&ges (3)"));
        QCOMPARE(orders->schemaBadge()->text(), QStringLiteral("2 schema changes"));
        QTRY_VERIFY(monitor->cutoverButton()->isEnabled());

        // A status without changes: no badges, no tab.
        MigrationStatus none = ready();
        for (auto &d : none.databases)
            d.schemaChanges.clear();
        services->engine->publish(none);
        monitor->applyPending();
        for (DatabaseCard *c : monitor->cards())
            QVERIFY(!c->schemaBadge()->isVisible());
        QVERIFY(!tabs->isTabVisible(tabs->indexOf(schemaTab)));
        QCOMPARE(list->topLevelItemCount(), 0);
    }

    void startCutoverFollowsReadinessWithAReason()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        QPushButton *cutover = monitor->cutoverButton();

        services->engine->publish(SampleServices::sampleStatus(300)); // full load
        monitor->applyPending();
        QVERIFY(!cutover->isEnabled());
        QVERIFY2(cutover->toolTip().contains(u"orders: full load"), qPrintable(cutover->toolTip()));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        QCOMPARE(monitor->cards().size(), 5);

        MigrationStatus almost = ready();
        almost.databases[2].readyForCutover = false;
        almost.databases[2].notReadyReason = QStringLiteral("lag 40 MB, above 16 MB");
        services->engine->publish(almost);
        QTRY_VERIFY(cutover->toolTip().contains(u"billing: lag 40 MB"));
        QVERIFY(!cutover->isEnabled());
        QVERIFY(!cutover->toolTip().contains(u"orders"));

        services->engine->publish(ready());
        QTRY_VERIFY(cutover->isEnabled());
        QVERIFY(!cutover->toolTip().contains(u"Not ready"));
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        QVERIFY(monitor->throughputChart()->pointCount() >= 1);

        // Cutover: Apply needs the confirmation; the checklist follows the run to the end.
        QTest::mouseClick(cutover, Qt::LeftButton);
        QCOMPARE(w.currentId(), int(MigrationWizard::CutoverPage));
        auto *page = static_cast<CutoverPage *>(w.currentPage());
        QVERIFY(!page->applyButton()->isEnabled());
        page->confirmBox()->setChecked(true);
        QVERIFY(page->applyButton()->isEnabled());
        QTest::mouseClick(page->applyButton(), Qt::LeftButton);
        QVERIFY(services->engine->cutoverRequested);
        MigrationStatus draining = ready();
        draining.state = RunState::CuttingOver;
        for (auto &d : draining.databases) {
            d.phase = engine::DatabasePhase::Cutover;
            d.pendingChanges = 100;
        }
        services->engine->publish(draining);
        QList<StepState> steps = CutoverPage::steps(draining, true);
        QCOMPARE(steps[CutoverPage::StopWrites], StepState::Done);
        QCOMPARE(steps[CutoverPage::Drain], StepState::Running);
        QCOMPARE(steps[CutoverPage::Verify], StepState::Pending);
        QVERIFY(!page->isComplete());
        MigrationStatus done = SampleServices::sampleCompletedStatus();
        services->engine->publish(done);
        QVERIFY(page->isComplete());
        for (StepState st : CutoverPage::steps(done, true))
            QCOMPARE(st, StepState::Done);
        w.next();
        QCOMPARE(w.currentId(), int(MigrationWizard::DonePage));
    }

    // The cutover page offers the fallback for this cutover, over the project's setting, and only
    // where the project allows one (online, local engine, source made read-only).
    void theCutoverPageChoosesTheFallback_data()
    {
        QTest::addColumn<bool>("inProject");
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<bool>("tick"); // the box as the administrator leaves it
        QTest::newRow("chosen at cutover") << false << true << true;
        QTest::newRow("declined at cutover") << true << true << false;
        QTest::newRow("not allowed without read-only") << false << false << false;
    }
    void theCutoverPageChoosesTheFallback()
    {
        QFETCH(bool, inProject);
        QFETCH(bool, readOnly);
        QFETCH(bool, tick);
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.show();
        project::Project p = SampleServices::sampleProject();
        p.settings.cutover.fallback = inProject;
        p.settings.cutover.makeSourceReadOnly = readOnly;
        w.setProject(p);
        QString error;
        QVERIFY2(w.startRun(&error), qPrintable(error));
        services->engine->publish(ready());
        w.goToPage(MigrationWizard::CutoverPage);
        auto *page = static_cast<CutoverPage *>(w.currentPage());
        QCheckBox *box = page->fallbackBox();
        QCOMPARE(box->objectName(), QStringLiteral("cutoverFallback"));
        QCOMPARE(box->isEnabled(), readOnly);
        QCOMPARE(box->isChecked(), inProject && readOnly);
        if (!readOnly)
            QVERIFY2(box->toolTip().contains(u"read-only"), qPrintable(box->toolTip()));
        else
            box->setChecked(tick);
        page->confirmBox()->setChecked(true);
        QTRY_VERIFY(page->applyButton()->isEnabled());
        QTest::mouseClick(page->applyButton(), Qt::LeftButton);
        QVERIFY(services->engine->cutoverRequested);
        if (readOnly)
            QCOMPARE(services->engine->lastCutoverOptions.fallback, std::optional<bool>(tick));
        else
            QVERIFY(!services->engine->lastCutoverOptions.fallback.has_value());
        QVERIFY(!box->isEnabled()); // applied: the choice is made
    }

    void retryShowsTheEnginesAnswer_data()
    {
        QTest::addColumn<QString>("refusal");
        QTest::newRow("accepted") << QString();
        QTest::newRow("refused") << QStringLiteral(
            "the table's journal entry is still being written; try again in a moment");
    }
    void retryShowsTheEnginesAnswer()
    {
        QFETCH(QString, refusal);
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.resize(1180, 820);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        services->engine->refuseRetry = refusal;
        services->engine->publish(SampleServices::sampleStatus(300));
        monitor->applyPending();

        // Select the failed table (the filter shows only failed ones).
        auto *filter = w.findChild<QComboBox *>(QStringLiteral("tableStateFilter"));
        filter->setCurrentIndex(filter->findData(int(TableStatusProxy::StateFilter::Failed)));
        auto *view = w.findChild<QTableView *>(QStringLiteral("tableGrid"));
        QVERIFY(view);
        QCOMPARE(view->model()->rowCount(), 1);
        view->selectRow(0);
        const QString failed = view->model()->index(0, TableStatusModel::TableColumn).data().toString();
        auto *retry = w.findChild<QPushButton *>(QStringLiteral("retryTable"));
        QVERIFY(retry->isEnabled());
        QVERIFY(retry->toolTip().contains(u"No space left on device"));
        auto *result = w.findChild<QLabel *>(QStringLiteral("retryResult"));
        QVERIFY(!result->isVisible());

        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(result->isVisible());
        filter->setCurrentIndex(filter->findData(int(TableStatusProxy::StateFilter::All)));
        const QModelIndexList hits =
            monitor->model()->match(monitor->model()->index(0, TableStatusModel::TableColumn),
                                    Qt::DisplayRole, failed, 1, Qt::MatchExactly);
        QCOMPARE(hits.size(), 1);
        const auto state =
            engine::TableState(monitor->model()->data(hits.first(), TableStatusModel::StateRole).toInt());
        auto *log = w.findChild<QPlainTextEdit *>(QStringLiteral("logPane"));
        if (refusal.isEmpty()) {
            QCOMPARE(services->engine->retried, QStringList{QStringLiteral("inventory/") + failed});
            QCOMPARE(state, engine::TableState::Queued);
            QVERIFY2(result->text().contains(u"queued"), qPrintable(result->text()));
            // The engine's next status agrees, and Retry has nothing to retry.
            services->engine->publish(services->engine->status());
            monitor->applyPending();
            QCOMPARE(
                engine::TableState(monitor->model()->data(hits.first(), TableStatusModel::StateRole).toInt()),
                engine::TableState::Queued);
            QVERIFY(!retry->isEnabled());
        } else {
            QVERIFY(services->engine->retried.isEmpty());
            QCOMPARE(state, engine::TableState::Failed);
            QVERIFY2(result->text().contains(refusal), qPrintable(result->text()));
            QVERIFY(result->text().contains(failed));
        }
        QVERIFY(log->toPlainText().contains(result->text()));
    }

    // A streaming database's card offers "Cut over…" for that database alone; a loading one's
    // does not; the engine's refusal is shown.
    void aCardCutsOverItsDatabaseAlone()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.resize(1180, 820);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        // At 600 s billing and crm stream; orders, inventory and analytics still load.
        services->engine->publish(SampleServices::sampleStatus(600));
        monitor->applyPending();
        auto *crm = w.findChild<DatabaseCard *>(QStringLiteral("databaseCard_crm"));
        auto *orders = w.findChild<DatabaseCard *>(QStringLiteral("databaseCard_orders"));
        QVERIFY(crm && orders);
        QVERIFY(orders->cutoverButton()->isHidden());
        QVERIFY(!crm->cutoverButton()->isHidden());
        QVERIFY2(crm->cutoverButton()->isEnabled(), qPrintable(crm->cutoverButton()->toolTip()));

        auto asked = answerNextBox(&w, QStringLiteral("confirmCardCutover"), QMessageBox::Cancel);
        QTest::mouseClick(crm->cutoverButton(), Qt::LeftButton);
        QVERIFY(asked->contains(u"crm"));
        QVERIFY(services->engine->cutOverDatabases.isEmpty());

        asked = answerNextBox(&w, QStringLiteral("confirmCardCutover"), QMessageBox::Yes);
        QTest::mouseClick(crm->cutoverButton(), Qt::LeftButton);
        QCOMPARE(services->engine->cutOverDatabases, QStringList{QStringLiteral("crm")});

        services->engine->refuseCutoverOf = QStringLiteral("crm: replication slot gone");
        answerNextBox(&w, QStringLiteral("confirmCardCutover"), QMessageBox::Yes);
        const auto refused = answerNextBox(&w, QStringLiteral("cardCutoverRefused"), QMessageBox::Ok);
        QTest::mouseClick(crm->cutoverButton(), Qt::LeftButton);
        QVERIFY2(refused->contains(u"replication slot gone"), qPrintable(*refused));
    }

    void resyncCopiesAStreamingDatabasesTableAgain_data()
    {
        QTest::addColumn<QString>("refusal");
        QTest::newRow("accepted") << QString();
        QTest::newRow("refused") << QStringLiteral("database crm is not streaming (phase cutover): a table "
                                                   "is copied again only while changes stream");
    }
    void resyncCopiesAStreamingDatabasesTableAgain()
    {
        QFETCH(QString, refusal);
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.resize(1180, 820);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        services->engine->refuseResync = refusal;
        // At 600 s billing and crm stream; orders, inventory and analytics still load.
        const MigrationStatus s = SampleServices::sampleStatus(600);
        services->engine->publish(s);
        monitor->applyPending();
        auto *view = w.findChild<QTableView *>(QStringLiteral("tableGrid"));
        auto *resync = w.findChild<QPushButton *>(QStringLiteral("resyncTable"));
        QVERIFY(view && resync);
        QVERIFY(!resync->isEnabled()); // nothing selected

        const int loading = gridRow(monitor, [](const QString &db, const engine::TableStatus &t) {
            return db == u"orders" && t.state == engine::TableState::Loading;
        });
        QVERIFY(loading >= 0);
        view->selectRow(loading);
        QVERIFY(!resync->isEnabled());
        QVERIFY2(resync->toolTip().contains(u"orders"), qPrintable(resync->toolTip()));

        const int streaming = gridRow(monitor, [](const QString &db, const engine::TableStatus &t) {
            return db == u"crm" && t.state == engine::TableState::Done;
        });
        QVERIFY(streaming >= 0);
        view->selectRow(streaming);
        const QString table =
            monitor->model()
                ->rowAt(monitor->proxy()->mapToSource(monitor->proxy()->index(streaming, 0)).row())
                .table.qualifiedName();
        QVERIFY(resync->isEnabled());
        QVERIFY2(resync->toolTip().contains(table), qPrintable(resync->toolTip()));

        // An offline run does not stream: nothing to join a copy to.
        MigrationStatus offline = s;
        offline.mode = QStringLiteral("offline");
        services->engine->publish(offline);
        monitor->applyPending();
        QVERIFY(!resync->isEnabled());
        services->engine->publish(s);
        monitor->applyPending();
        QVERIFY(resync->isEnabled());

        // Cancelled: the engine is not asked.
        auto asked = answerNextBox(&w, QStringLiteral("confirmResync"), QMessageBox::Cancel);
        QTest::mouseClick(resync, Qt::LeftButton);
        QCOMPARE(*asked, QStringLiteral("Copy %1 of crm again from a new snapshot? Other tables of that "
                                        "database wait while it copies.")
                             .arg(table));
        QVERIFY(services->engine->resynced.isEmpty());

        // Confirmed: the engine is asked for that table of that database.
        asked = answerNextBox(&w, QStringLiteral("confirmResync"), QMessageBox::Yes);
        const auto refused = answerNextBox(&w, QStringLiteral("resyncRefused"), QMessageBox::Ok);
        QTest::mouseClick(resync, Qt::LeftButton);
        QVERIFY(!asked->isEmpty());
        QCOMPARE(services->engine->resynced, QStringList{QStringLiteral("crm/") + table});
        auto *result = w.findChild<QLabel *>(QStringLiteral("retryResult"));
        QVERIFY(result->isVisible());
        QVERIFY(result->text().contains(table));
        if (refusal.isEmpty()) {
            QVERIFY2(result->text().contains(u"new snapshot"), qPrintable(result->text()));
            QVERIFY(refused->isEmpty());
        } else {
            QVERIFY2(refused->contains(refusal), qPrintable(*refused));
            QVERIFY(result->text().contains(refusal));
        }
        QVERIFY(
            w.findChild<QPlainTextEdit *>(QStringLiteral("logPane"))->toPlainText().contains(result->text()));

        // The row's context menu offers it too (and Retry, disabled for a table that has not failed).
        services->engine->resynced.clear();
        asked = answerNextBox(&w, QStringLiteral("confirmResync"), QMessageBox::Yes);
        answerNextBox(&w, QStringLiteral("resyncRefused"), QMessageBox::Ok);
        QStringList offered;
        QTimer::singleShot(0, &w, [&] {
            auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
            if (!menu)
                return;
            for (QAction *a : menu->actions())
                offered << a->text() + (a->isEnabled() ? QString() : QStringLiteral(" (disabled)"));
            for (QAction *a : menu->actions())
                if (a->isEnabled() && a->text().contains(u"ync"))
                    a->trigger();
            menu->close();
        });
        const QRect cell = view->visualRect(view->model()->index(streaming, TableStatusModel::TableColumn));
        view->setCurrentIndex({});
        Q_EMIT view->customContextMenuRequested(cell.center());
        QCOMPARE(offered,
                 (QStringList{QStringLiteral("&Retry table (disabled)"), QStringLiteral("Res&ync table")}));
        QTRY_COMPARE(services->engine->resynced, QStringList{QStringLiteral("crm/") + table});
    }

    void resyncResolvesAnUnresolvedTableFromTheSchemaChanges()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.resize(1180, 820);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        MigrationStatus s = withSchemaChanges();
        // A column's unresolved change is not a table to copy.
        s.databases[0].schemaChanges << engine::SchemaChange{QStringLiteral("public.orders.note"),
                                                             QStringLiteral("column type changed"),
                                                             QString(),
                                                             QStringLiteral("unresolved"),
                                                             QString(),
                                                             QString()};
        services->engine->publish(s);
        monitor->applyPending();
        QTreeWidget *list = monitor->schemaChangesList();
        auto *button = w.findChild<QPushButton *>(QStringLiteral("resyncSchemaTable"));
        QVERIFY(button);
        QCOMPARE(list->topLevelItemCount(), 3);
        list->setCurrentItem(list->topLevelItem(0)); // applied
        QVERIFY(!button->isEnabled());
        list->setCurrentItem(list->topLevelItem(2)); // a column
        QVERIFY(!button->isEnabled());
        list->setCurrentItem(list->topLevelItem(1)); // public.promo_codes, unresolved
        QVERIFY(button->isEnabled());

        // Not streaming (cutting over): not offered.
        MigrationStatus cutover = s;
        cutover.databases[0].phase = engine::DatabasePhase::Cutover;
        services->engine->publish(cutover);
        monitor->applyPending();
        QCOMPARE(list->currentItem()->text(1), QStringLiteral("public.promo_codes"));
        QVERIFY(!button->isEnabled());
        services->engine->publish(s);
        monitor->applyPending();
        QVERIFY(button->isEnabled());

        auto asked = answerNextBox(&w, QStringLiteral("confirmResync"), QMessageBox::Yes);
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(*asked, QStringLiteral("Copy public.promo_codes of orders again from a new snapshot? Other "
                                        "tables of that database wait while it copies."));
        QCOMPARE(services->engine->resynced, QStringList{QStringLiteral("orders/public.promo_codes")});
    }

    void notReadyReasonsNameTheStage_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("running") << int(RunState::Running) << QStringLiteral("running stage");
        QTest::newRow("stopped") << int(RunState::Stopped) << QStringLiteral("resume");
        QTest::newRow("failed") << int(RunState::Failed) << QStringLiteral("failed");
        QTest::newRow("completed") << int(RunState::Completed) << QStringLiteral("complete");
    }

    void notReadyReasonsNameTheStage()
    {
        QFETCH(int, state);
        QFETCH(QString, mentions);
        MigrationStatus s = ready();
        s.state = RunState(state);
        const QStringList reasons = MonitorPage::notReadyReasons(s);
        QVERIFY(!reasons.isEmpty());
        QVERIFY2(reasons.join(u' ').contains(mentions, Qt::CaseInsensitive), qPrintable(reasons.join(u' ')));
        QVERIFY(MonitorPage::notReadyReasons(ready()).isEmpty());
    }

    // A database cut over on its own (from its card) holds the rest of the run back no longer,
    // whatever its stale readiness flag says (false after a resumption, or in fallback): Start
    // cutover and the Cutover page's Apply take the others.
    void databasesCutOverAloneDoNotHoldTheRestBack_data()
    {
        QTest::addColumn<int>("phase");
        QTest::addColumn<bool>("flag");
        QTest::newRow("done") << int(engine::DatabasePhase::Done) << false;
        QTest::newRow("done, flag kept") << int(engine::DatabasePhase::Done) << true;
        QTest::newRow("fallback") << int(engine::DatabasePhase::Fallback) << false;
    }
    void databasesCutOverAloneDoNotHoldTheRestBack()
    {
        QFETCH(int, phase);
        QFETCH(bool, flag);
        MigrationStatus s = ready();
        s.databases[0].phase = engine::DatabasePhase(phase);
        s.databases[0].readyForCutover = flag;
        s.databases[0].notReadyReason = flag ? QString() : QStringLiteral("fallback not connected");
        QVERIFY(s.readyForCutover());
        QVERIFY2(MonitorPage::notReadyReasons(s).isEmpty(),
                 qPrintable(MonitorPage::notReadyReasons(s).join(u' ')));

        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        services->engine->publish(s);
        monitor->applyPending();
        QVERIFY2(monitor->cutoverButton()->isEnabled(), qPrintable(monitor->cutoverButton()->toolTip()));
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        QTest::mouseClick(monitor->cutoverButton(), Qt::LeftButton);
        auto *page = static_cast<CutoverPage *>(w.currentPage());
        page->confirmBox()->setChecked(true);
        QVERIFY(page->applyButton()->isEnabled());

        // One of the others not ready still holds it back; with every one cut over, nothing is left.
        s.databases[1].readyForCutover = false;
        s.databases[1].notReadyReason = QStringLiteral("not applying on the target");
        QVERIFY(!s.readyForCutover());
        QVERIFY(MonitorPage::notReadyReasons(s).join(u' ').contains(u"not applying"));
        for (auto &d : s.databases)
            d.phase = engine::DatabasePhase::Done;
        QVERIFY(!s.readyForCutover());
    }

    void axisStepsAreOneTwoOrFiveTimesAPowerOfTen_data()
    {
        QTest::addColumn<double>("atLeast");
        QTest::addColumn<double>("step");
        QTest::addColumn<int>("decimals");
        QTest::newRow("1") << 1.0 << 1.0 << 0;
        QTest::newRow("0.3 / 3, a rounding error below 0.1") << 0.3 / 3 << 0.1 << 1;
        QTest::newRow("0.42") << 0.42 << 0.5 << 1;
        QTest::newRow("0.105") << 0.105 << 0.2 << 1;
        QTest::newRow("1.47") << 1.47 << 2.0 << 0;
        QTest::newRow("0.95") << 0.95 << 1.0 << 0;
        QTest::newRow("259") << 259.0 << 500.0 << 0;
        QTest::newRow("0.0006") << 0.0006 << 0.001 << 3;
        QTest::newRow("5.0000001") << 5.0000001 << 10.0 << 0;
        QTest::newRow("0, nothing yet") << 0.0 << 1.0 << 0;
    }

    void axisStepsAreOneTwoOrFiveTimesAPowerOfTen()
    {
        QFETCH(double, atLeast);
        QFETCH(double, step);
        QFETCH(int, decimals);
        int d = -1;
        QCOMPARE(LiveChart::niceStep(atLeast, &d), step);
        QCOMPARE(d, decimals);
    }

    void chartAxesReadAsRoundDistinctNumbers_data()
    {
        QTest::addColumn<double>("max");
        QTest::newRow("0-2") << 2.0;
        QTest::newRow("0-0.5") << 0.5;
        QTest::newRow("0-7") << 7.0;
        QTest::newRow("0-1234") << 1234.0;
        QTest::newRow("0-0.003") << 0.003;
        QTest::newRow("0-2500000") << 2.5e6;
    }

    void chartAxesReadAsRoundDistinctNumbers()
    {
        QFETCH(double, max);
        const LiveChart::Ticks t = LiveChart::niceTicks(max);
        QVERIFY2(t.max >= max && t.count >= 2 && t.count <= 6,
                 qPrintable(QString::number(t.max) + u' ' + QString::number(t.count)));

        LiveChart chart(QStringLiteral("Throughput"), QStringLiteral("rows/s"), QStringLiteral("MB/s"));
        chart.setObjectName(QStringLiteral("chart"));
        chart.resize(460, 260);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        // The left axis spans 0..max, the right one 0..max/3.
        for (int i = 0; i <= 10; ++i)
            chart.addPoint(i, max * i / 10, max * i / 30);
        for (QSize size : {QSize(460, 260), QSize(300, 170), QSize(700, 300), QSize(320, 180)}) {
            chart.resize(size);
            for (LiveChart::Axis axis : {LiveChart::Axis::Left, LiveChart::Axis::Right}) {
                const double top = axis == LiveChart::Axis::Left ? max : max / 3;
                // The scene follows the axis at its next layout.
                const auto problem = [&] {
                    const QStringList labels = shownLabels(chart, axis);
                    QString p = scaleProblem(labels, top);
                    if (p.isEmpty() && labels.size() != chart.axis(axis)->tickCount())
                        p = QStringLiteral("%1 labels for %2 ticks")
                                .arg(labels.size())
                                .arg(chart.axis(axis)->tickCount());
                    return p.isEmpty() ? p
                                       : QStringLiteral("%1×%2: ").arg(size.width()).arg(size.height()) + p;
                };
                QTRY_VERIFY2(problem().isEmpty(), qPrintable(problem()));
                QVERIFY(!chart.axis(axis)->labelsTruncated());
            }
        }
    }

    // While streaming the load's rates are 0; the chart shows the changes applied per second, and
    // the lag chart follows the lag.
    void theChartsShowTheStreamAndTheLag()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        auto *monitor = runOnMonitor(w);
        QVERIFY(monitor);
        LiveChart *throughput = monitor->throughputChart();
        LiveChart *lag = monitor->lagChart();
        QCOMPARE(throughput->objectName(), QStringLiteral("throughputChart"));
        QCOMPARE(lag->objectName(), QStringLiteral("lagChart"));
        QCOMPARE(throughput->seriesCount(), 3);
        QCOMPARE(throughput->series(2)->name(), QStringLiteral("changes/s"));
        QCOMPARE(lag->seriesCount(), 2);

        MigrationStatus s = ready();
        s.startedAt = QDateTime(QDate(2025, 3, 1), QTime(9, 0));
        qint64 applied = 0;
        for (int step = 0; step < 3; ++step) {
            // Ten seconds apart, 1200 more changes each time (spread over the databases), no load.
            s.updatedAt = s.startedAt.addSecs(7200 + 10 * step);
            for (qsizetype i = 0; i < s.databases.size(); ++i) {
                engine::DatabaseStatus &d = s.databases[i];
                d.rowsPerSecond = 0;
                d.bytesPerSecond = 0;
                d.inserts = 100 * (step + 1) * (i + 1);
                d.updates = 20 * (step + 1);
                d.deletes = 0;
                d.lagSeconds = 1.5 + step;
                d.lagBytes = (3 + step) * 1024 * 1024;
            }
            applied = ApplyRate::changesApplied(s);
            services->engine->publish(s);
            monitor->applyPending();
        }
        const double perStep = double(applied) / 3; // the counters grew linearly from 0
        QVERIFY(perStep > 0);
        QVERIFY(throughput->pointCount() >= 2);
        const QPointF rows = throughput->series(0)->points().last();
        const QPointF changes = throughput->series(2)->points().last();
        QCOMPARE(changes.x(), 7220.0);
        QCOMPARE(rows.y(), 0.0);
        QCOMPARE(changes.y(), perStep / 10);
        // The axis holds the line.
        QVERIFY(throughput->axis(LiveChart::Axis::Left)->max() >= changes.y());

        const QPointF seconds = lag->series(0)->points().last();
        const QPointF mb = lag->series(1)->points().last();
        QCOMPARE(seconds.x(), 7220.0);
        QCOMPARE(seconds.y(), 3.5);
        QCOMPARE(mb.y(), 5.0);
        QVERIFY(lag->axis(LiveChart::Axis::Left)->max() >= 3.5);
        QVERIFY(lag->axis(LiveChart::Axis::Right)->max() >= 5.0);

        // Counters that go back (another run) give no negative rate.
        s.updatedAt = s.updatedAt.addSecs(10);
        for (auto &d : s.databases)
            d.inserts = d.updates = 0;
        services->engine->publish(s);
        monitor->applyPending();
        QCOMPARE(throughput->series(2)->points().last().y(), 0.0);
    }

    void theApplyRateComesFromSuccessiveSamples()
    {
        ApplyRate rate;
        QCOMPARE(rate.sample(10, 500), 0.0); // nothing to compare with yet
        QCOMPARE(rate.sample(12, 700), 100.0);
        QCOMPARE(rate.sample(12, 900), 0.0); // no time passed
        QCOMPARE(rate.sample(22, 1900), 100.0);
        QCOMPARE(rate.sample(5, 50), 0.0); // the clock went back
        rate.reset();
        QCOMPARE(rate.sample(6, 100), 0.0);
    }

    // The event loop's latency while a worker thread publishes statuses as fast as it can.
    void theEventLoopKeepsUpWithFastStatusUpdates()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MigrationWizard w(services);
        w.resize(1180, 800);
        w.show();
        w.setProject(SampleServices::sampleProject());
        w.goToPage(MigrationWizard::MonitorPage);
        auto *monitor = static_cast<MonitorPage *>(w.currentPage());

        std::atomic_int sent{0};
        std::atomic_bool stop{false};
        QObject receiver;
        connect(&w, &MigrationWizard::statusChanged, &receiver, [] {}); // keep the wizard's connection alive
        QThread *producer = QThread::create([&] {
            // Statuses arrive over a queued connection, as the engine's do.
            for (int i = 0; i < 400 && !stop; ++i) {
                MigrationStatus s = SampleServices::sampleStatus(100 + i * 7.0);
                QMetaObject::invokeMethod(
                    &w, [&w, s] { w.showStatus(s); }, Qt::QueuedConnection);
                ++sent;
                QThread::usleep(2000);
            }
        });
        QElapsedTimer clock;
        qint64 last = 0, maxGap = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            maxGap = std::max(maxGap, now - last);
            last = now;
        });
        clock.start();
        tick.start();
        producer->start();
        QTRY_VERIFY_WITH_TIMEOUT(producer->isFinished(), 60000);
        QTest::qWait(300);
        tick.stop();
        stop = true;
        producer->wait();
        delete producer;
        monitor->applyPending();
        qInfo("%d statuses in %lld ms; longest event-loop gap %lld ms; %d chart points", sent.load(),
              clock.elapsed(), maxGap, monitor->throughputChart()->pointCount());
        QCOMPARE(monitor->model()->rowCount(), 144);
        // The figure is the measurement (printed above); the bound only catches a real stall, not
        // a busy shared machine (the suite runs tests in parallel on two cores).
        QVERIFY2(maxGap < 3000, qPrintable(QString::number(maxGap)));
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
