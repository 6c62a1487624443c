// End to end through the wizard against two real PostgreSQL servers: fill every page, test both
// connections, pick the database, run, watch the dashboard, (online: write to the source while
// changes stream, press Start cutover, confirm, Apply), reach Done, and find on the target exactly
// the source's data.
#include "compare.h"
#include "cutoverpage.h"
#include "donepage.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "tablestatusmodel.h"
#include "testclusters.h"
#include "wizardrig.h"

#include <QCheckBox>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestWizardMigration : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<test::TwoClusters> m_servers;

    void compare(const QString &database)
    {
        pg::Connection src = m_servers->source.connect(database);
        pg::Connection dst = m_servers->target.connect(database);
        const test::CompareResult cmp = test::compareDatabases(src, dst);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QCOMPARE(cmp.tablesCompared, 2);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("state"))));
        m_servers = std::make_unique<test::TwoClusters>();
        m_servers->source.createDatabase(QStringLiteral("shop"));
        m_servers->source.sql(
            QStringLiteral("shop"),
            QStringLiteral(
                "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, \"E-Mail\" text);"
                "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int REFERENCES customers, total "
                "numeric(10,2), placed timestamptz DEFAULT now());"
                "INSERT INTO customers (name, \"E-Mail\") SELECT 'customer ' || g, 'c' || g || "
                "'@example.com' FROM generate_series(1, 500) g;"
                "INSERT INTO orders (customer, total) SELECT 1 + g % 500, g * 1.25 FROM generate_series(1, "
                "20000) g;"));
    }
    void cleanupTestCase() { m_servers.reset(); }

    void theWizardMigratesADatabaseFromStartToDone()
    {
        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();

        rig.fillAndRun(*m_servers, QStringLiteral("Shop end to end"), false, {QStringLiteral("shop")}, 2,
                       m_tmp.filePath(QStringLiteral("shop.pgferry")));
        if (QTest::currentTestFailed())
            return;

        // The dashboard follows the run to its end.
        auto *monitor = static_cast<MonitorPage *>(w->currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(monitor->model()->rowCount() == 2, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->isRunning(), 300000);
        monitor->applyPending();
        QVERIFY2(w->status().state == engine::RunState::Completed,
                 qPrintable(w->status().errors.join(u'\n')));
        QCOMPARE(w->status().rowsCopied(), 20500);
        QVERIFY(w->button(QWizard::NextButton)->isEnabled());
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(test::findNamed<QLabel>(&window, "doneHeadline")->text().contains(u"completed"));
        auto *done = static_cast<DonePage *>(w->currentPage());
        QVERIFY(done->connectionStrings().contains(u"/shop"));
        QVERIFY(!done->connectionStrings().contains(m_servers->target.connInfo().password));
        QString error;
        QVERIFY2(
            done->exportReport(m_tmp.filePath(QStringLiteral("report.html")), QStringLiteral("html"), &error),
            qPrintable(error));

        compare(QStringLiteral("shop"));

        // Reopening the project lands on Done: the run is recorded.
        MainWindow again(rig.services);
        QVERIFY(again.openProject(m_tmp.filePath(QStringLiteral("shop.pgferry"))));
        QCOMPARE(again.wizard()->currentId(), int(MigrationWizard::DonePage));
    }

    void anOnlineRunStreamsChangesAndCutsOverFromTheDashboard()
    {
        m_servers->source.createDatabase(QStringLiteral("live"));
        m_servers->source.sql(
            QStringLiteral("live"),
            QStringLiteral("CREATE TABLE accounts (id serial PRIMARY KEY, owner text, balance numeric(12,2));"
                           "CREATE TABLE ledger (id bigserial PRIMARY KEY, account int REFERENCES accounts, "
                           "amount numeric(12,2));"
                           "INSERT INTO accounts (owner, balance) SELECT 'owner ' || g, g FROM "
                           "generate_series(1, 300) g;"
                           "INSERT INTO ledger (account, amount) SELECT 1 + g % 300, g FROM "
                           "generate_series(1, 5000) g;"));
        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent2.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        rig.fillAndRun(*m_servers, QStringLiteral("Live end to end"), true, {QStringLiteral("live")}, 2,
                       m_tmp.filePath(QStringLiteral("live.pgferry")));
        if (QTest::currentTestFailed())
            return;
        auto *monitor = static_cast<MonitorPage *>(w->currentPage());
        QPushButton *cutover = monitor->cutoverButton();
        QTRY_VERIFY_WITH_TIMEOUT(w->status().state == engine::RunState::Streaming || !w->isRunning(), 60000);
        QVERIFY2(w->isRunning(), qPrintable(w->status().errors.join(u'\n')));

        // Writes while the changes stream.
        m_servers->source.sql(
            QStringLiteral("live"),
            QStringLiteral(
                "INSERT INTO ledger (account, amount) SELECT 1 + g % 300, -g FROM generate_series(1, 700) g;"
                "UPDATE accounts SET balance = balance + 1 WHERE id % 3 = 0; DELETE FROM ledger WHERE id % "
                "97 = 0;"));
        QTRY_VERIFY2_WITH_TIMEOUT(cutover->isEnabled(), qPrintable(cutover->toolTip()), 90000);
        QTest::mouseClick(cutover, Qt::LeftButton);
        QCOMPARE(w->currentId(), int(MigrationWizard::CutoverPage));
        auto *page = static_cast<CutoverPage *>(w->currentPage());
        QVERIFY(!page->applyButton()->isEnabled());
        QLabel *result = rig.applyCutover();
        if (QTest::currentTestFailed())
            return;
        // The engine cuts over once it is ready again; the dashboard's reason says why it is not.
        QTRY_VERIFY2_WITH_TIMEOUT(
            !w->isRunning(),
            qPrintable(QStringLiteral("still %1: %2 / %3")
                           .arg(engine::runStateName(w->status().state),
                                w->status().databases.value(0).notReadyReason, result->text())),
            100000);
        QVERIFY2(w->status().state == engine::RunState::Completed,
                 qPrintable(w->status().errors.join(u'\n')));
        QTRY_VERIFY(page->isComplete());
        for (StepState st : CutoverPage::steps(w->status(), true))
            QCOMPARE(st, StepState::Done);
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(test::findNamed<QLabel>(&window, "doneHeadline")->text().contains(u"completed"));
        compare(QStringLiteral("live"));
    }

    // With "Keep the old server as a live fallback" ticked: after the cutover the Done page shows
    // the new server's writes streaming back, and its Fail back button returns to the old server.
    void theDonePageShowsTheFallbackAndFailsBack()
    {
        const QString db = QStringLiteral("back");
        m_servers->source.createDatabase(db);
        m_servers->source.sql(
            db,
            QStringLiteral("CREATE TABLE accounts (id serial PRIMARY KEY, owner text, balance numeric(12,2));"
                           "CREATE TABLE ledger (id bigserial PRIMARY KEY, account int REFERENCES accounts, "
                           "amount numeric(12,2));"
                           "INSERT INTO accounts (owner, balance) SELECT 'owner ' || g, g FROM "
                           "generate_series(1, 200) g;"
                           "INSERT INTO ledger (account, amount) SELECT 1 + g % 200, g FROM "
                           "generate_series(1, 1000) g;"));
        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent3.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        rig.fillAndRun(*m_servers, QStringLiteral("Back again"), true, {db}, 2,
                       m_tmp.filePath(QStringLiteral("back.pgferry")), true);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(w->project().settings.cutover.fallback);
        auto *monitor = static_cast<MonitorPage *>(w->currentPage());
        QPushButton *cutover = monitor->cutoverButton();
        QTRY_VERIFY2_WITH_TIMEOUT(cutover->isEnabled() || !w->isRunning(), qPrintable(cutover->toolTip()),
                                  90000);
        QVERIFY2(w->isRunning(), qPrintable(w->status().errors.join(u'\n')));
        QTest::mouseClick(cutover, Qt::LeftButton);
        auto *page = static_cast<CutoverPage *>(w->currentPage());
        QLabel *result = rig.applyCutover();
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY2_WITH_TIMEOUT(w->status().state == engine::RunState::Fallback || !w->isRunning(),
                                  qPrintable(w->status().errors.join(u'\n')), 100000);
        QVERIFY2(w->isRunning(), qPrintable(w->status().errors.join(u'\n')));
        QTRY_VERIFY(page->isComplete());
        QVERIFY(result->text().contains(u"fallback"));
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(test::findNamed<QLabel>(&window, "doneHeadline")->text().contains(u"fallback"));
        auto *box = test::findNamed<QGroupBox>(&window, "fallbackBox");
        auto *state = test::findNamed<QLabel>(&window, "fallbackState");
        auto *failBack = test::findNamed<QPushButton>(&window, "failBack");
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(state->text().contains(u"stream back"), qPrintable(state->text()));
        QVERIFY(!failBack->isEnabled()); // not before the confirmation

        // The applications write on the new server; the old server follows.
        m_servers->target.sql(
            db,
            QStringLiteral(
                "INSERT INTO ledger (account, amount) SELECT 1 + g % 200, -g FROM generate_series(1, 300) g;"
                "UPDATE accounts SET balance = balance * 2 WHERE id % 4 = 0; DELETE FROM ledger WHERE id % "
                "13 = 0;"));
        QTest::qWait(1500); // the Done page's live state follows
        // PGFERRY_TEST_SHOTS=DIR keeps pictures of the real run, to look at.
        const QString shots = qEnvironmentVariable("PGFERRY_TEST_SHOTS");
        if (!shots.isEmpty())
            window.grab().save(shots + QStringLiteral("/done-fallback.png"));
        test::findNamed<QCheckBox>(&window, "fallbackConfirm")->setChecked(true);
        QTRY_VERIFY(failBack->isEnabled());
        QTest::mouseClick(failBack, Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(!w->isRunning(), qPrintable(state->text()), 120000);
        QVERIFY2(w->status().state == engine::RunState::Completed,
                 qPrintable(w->status().errors.join(u'\n')));
        QTRY_VERIFY(test::findNamed<QLabel>(&window, "doneHeadline")->text().contains(u"Failed back"));
        QVERIFY2(state->text().contains(u"failed back"), qPrintable(state->text()));
        if (!shots.isEmpty())
            window.grab().save(shots + QStringLiteral("/done-failed-back.png"));
        compare(db);
        pg::Connection old = m_servers->source.connect(db);
        QCOMPARE(old.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0),
                 QStringLiteral("off"));
        pg::Connection newer = m_servers->target.connect(db);
        QCOMPARE(newer.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0),
                 QStringLiteral("on"));
    }
};

QTEST_MAIN(TestWizardMigration)
#include "tst_wizardmigration.moc"
