// End to end through the wizard against two real PostgreSQL servers: fill every page, test both
// connections, pick the database, run, watch the dashboard, reach Done, and find on the target
// exactly the source's data. The engine on main runs offline migrations; the online variant with
// cutover follows when the engine streams changes.
#include "compare.h"
#include "coreservices.h"
#include "databasespage.h"
#include "donepage.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "tablestatusmodel.h"
#include "testclusters.h"

#include <QAbstractButton>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestWizardMigration : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<test::TwoClusters> m_servers;

    template<typename T>
    T *find(QWidget *root, const QString &name)
    {
        T *w = root->findChild<T *>(name);
        if (!w)
            qFatal("no widget %s", qPrintable(name));
        return w;
    }

    void fillConnection(QWidget *root, const QString &role, const pg::ConnInfo &ci)
    {
        find<QLineEdit>(root, role + QStringLiteral("Host"))->setText(ci.host);
        find<QSpinBox>(root, role + QStringLiteral("Port"))->setValue(ci.port);
        find<QLineEdit>(root, role + QStringLiteral("User"))->setText(ci.user);
        find<QLineEdit>(root, role + QStringLiteral("Password"))->setText(ci.password);
        QTest::mouseClick(find<QAbstractButton>(root, role + QStringLiteral("TestConnection")), Qt::LeftButton);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("state"))));
        m_servers = std::make_unique<test::TwoClusters>();
        m_servers->source.createDatabase(QStringLiteral("shop"));
        m_servers->source.sql(QStringLiteral("shop"), QStringLiteral(
            "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, \"E-Mail\" text);"
            "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int REFERENCES customers, total numeric(10,2), placed timestamptz DEFAULT now());"
            "INSERT INTO customers (name, \"E-Mail\") SELECT 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 500) g;"
            "INSERT INTO orders (customer, total) SELECT 1 + g % 500, g * 1.25 FROM generate_series(1, 20000) g;"));
    }
    void cleanupTestCase() { m_servers.reset(); }

    void theWizardMigratesADatabaseFromStartToDone()
    {
        auto services = std::make_shared<CoreServices>();
        QSettings recent(m_tmp.filePath(QStringLiteral("recent.ini")), QSettings::IniFormat);
        services->setRecentSettings(&recent);
        MainWindow window(services);
        window.setAsk([](const QString &, const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
        window.show();
        MigrationWizard *w = window.wizard();

        // Project
        QTest::keyClicks(find<QLineEdit>(&window, QStringLiteral("projectName")), QStringLiteral("Shop end to end"));
        find<QRadioButton>(&window, QStringLiteral("modeOffline"))->setChecked(true);
        w->next();
        // Source
        QCOMPARE(w->currentId(), int(MigrationWizard::SourcePage));
        fillConnection(&window, QStringLiteral("source"), m_servers->source.connInfo());
        QTRY_VERIFY_WITH_TIMEOUT(w->currentPage()->isComplete(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(w->assessment().ran, 20000);
        w->next();
        // Target
        QCOMPARE(w->currentId(), int(MigrationWizard::TargetPage));
        find<QRadioButton>(&window, QStringLiteral("targetKindPlain"))->setChecked(true);
        fillConnection(&window, QStringLiteral("target"), m_servers->target.connInfo());
        QTRY_VERIFY_WITH_TIMEOUT(w->currentPage()->isComplete(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->assessmentRunning(), 20000);
        QCOMPARE(w->assessment().count(Severity::Blocker), 0);
        w->next();
        // Databases: tick shop
        QCOMPARE(w->currentId(), int(MigrationWizard::DatabasesPage));
        QTableWidget *t = static_cast<DatabasesPage *>(w->currentPage())->table();
        bool found = false;
        for (int r = 0; r < t->rowCount(); ++r) {
            if (t->item(r, DatabasesPage::NameColumn)->text() == u"shop") {
                t->item(r, DatabasesPage::NameColumn)->setCheckState(Qt::Checked);
                QCOMPARE(t->item(r, DatabasesPage::TablesColumn)->text(), QStringLiteral("2"));
                found = true;
            }
        }
        QVERIFY(found);
        QVERIFY(w->currentPage()->isComplete());
        w->next();
        // Settings, summary, Run
        QCOMPARE(w->currentId(), int(MigrationWizard::SettingsPage));
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::SummaryPage));
        QVERIFY(window.saveAs(m_tmp.filePath(QStringLiteral("shop.pgferry"))));
        w->next();
        const QString summaryError = find<QLabel>(&window, QStringLiteral("summaryError"))->text();
        QVERIFY2(w->currentId() == MigrationWizard::MonitorPage, qPrintable(summaryError));
        QVERIFY(w->isRunning());

        // The dashboard follows the run to its end.
        auto *monitor = static_cast<MonitorPage *>(w->currentPage());
        QTRY_VERIFY_WITH_TIMEOUT(monitor->model()->rowCount() == 2, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->isRunning(), 300000);
        monitor->applyPending();
        QVERIFY2(w->status().state == engine::RunState::Completed, qPrintable(w->status().errors.join(u'\n')));
        QCOMPARE(w->status().rowsCopied(), 20500);
        QVERIFY(w->button(QWizard::NextButton)->isEnabled());
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(find<QLabel>(&window, QStringLiteral("doneHeadline"))->text().contains(u"completed"));
        auto *done = static_cast<DonePage *>(w->currentPage());
        QVERIFY(done->connectionStrings().contains(u"/shop"));
        QVERIFY(!done->connectionStrings().contains(m_servers->target.connInfo().password));
        QString error;
        QVERIFY2(done->exportReport(m_tmp.filePath(QStringLiteral("report.html")), QStringLiteral("html"), &error), qPrintable(error));

        // The target holds the source's data.
        pg::Connection src = m_servers->source.connect(QStringLiteral("shop"));
        pg::Connection dst = m_servers->target.connect(QStringLiteral("shop"));
        const test::CompareResult cmp = test::compareDatabases(src, dst);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QCOMPARE(cmp.tablesCompared, 2);

        // Reopening the project lands on Done: the run is recorded.
        MainWindow again(services);
        QVERIFY(again.openProject(m_tmp.filePath(QStringLiteral("shop.pgferry"))));
        QCOMPARE(again.wizard()->currentId(), int(MigrationWizard::DonePage));
    }
};

QTEST_MAIN(TestWizardMigration)
#include "tst_wizardmigration.moc"
