// The wizard refuses a target older than the source (issue 16), on real servers of two majors
// (12 and 11, from scripts/install-postgres-versions): filled in as a person would, the
// assessment names the blocker on the Target page and in its findings, the Summary will not run
// it and says why, and nothing is created on either server.
#include "databasespage.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "testclusters.h"
#include "wizardrig.h"

#include <QLabel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestWizardRefusal : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("state"))));
    }

    void aTargetOlderThanTheSourceIsRefused()
    {
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("12"));
        PGFERRY_REQUIRE_MAJOR(QStringLiteral("11"));
        test::TwoClusters servers(QStringLiteral("12"), QStringLiteral("11"));
        servers.source.createDatabase(QStringLiteral("shop"));
        servers.source.sql(
            QStringLiteral("shop"),
            QStringLiteral(
                "CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item VALUES (1, 'a');"));

        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        rig.fillProjectAndSource(QStringLiteral("Downhill"), true, servers.source.connInfo());
        if (QTest::currentTestFailed())
            return;
        rig.fillTarget(servers.target.connInfo());
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(!w->assessmentRunning() && w->assessment().ran, 30000);

        // The blocker, named with both majors, and the Target page says there is one.
        const AssessmentItem *version = nullptr;
        for (const AssessmentItem &i : w->assessment().items)
            if (i.id == u"target.version")
                version = &i;
        QVERIFY(version);
        QCOMPARE(version->severity, Severity::Blocker);
        QVERIFY2(version->message.contains(QStringLiteral("PostgreSQL 11, older than the source's 12")),
                 qPrintable(version->message));
        QVERIFY2(version->remediation.contains(QStringLiteral("12 or newer")),
                 qPrintable(version->remediation));
        const QString onTarget = test::findNamed<QLabel>(&window, "targetAssessmentSummary")->text();
        QVERIFY2(onTarget.contains(QStringLiteral("blocker")), qPrintable(onTarget));

        // On to the Summary: it does not run, and says why.
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DatabasesPage));
        QTableWidget *t = static_cast<DatabasesPage *>(w->currentPage())->table();
        for (int r = 0; r < t->rowCount(); ++r)
            if (t->item(r, DatabasesPage::NameColumn)->text() == u"shop")
                t->item(r, DatabasesPage::NameColumn)->setCheckState(Qt::Checked);
        QVERIFY(w->currentPage()->isComplete());
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::SettingsPage));
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::SummaryPage));
        QTRY_VERIFY_WITH_TIMEOUT(w->currentPage()->isComplete(), 30000);
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::SummaryPage));
        QVERIFY(!w->isRunning());
        const QString error = test::findNamed<QLabel>(&window, "summaryError")->text();
        QVERIFY2(error.contains(QStringLiteral("blocker")), qPrintable(error));

        // Nothing was made on either server.
        pg::Connection source = servers.source.connect(QStringLiteral("shop"));
        QCOMPARE(source.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0), 0);
        QCOMPARE(source.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        pg::Connection target = servers.target.connect(QStringLiteral("postgres"));
        QCOMPARE(target.exec(QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'shop'"))
                     .toInt(0, 0),
                 0);
    }
};

QTEST_MAIN(TestWizardRefusal)
#include "tst_wizardrefusal.moc"
