// The wizard attaches to a run in progress in `pgferry-cli run` (issue 22): with the real CLI
// streaming an online project between two real servers, opening the project in the wizard shows
// that run on the dashboard (Streaming, never Failed), says it is attached (pid, host), starts no
// engine of its own (one slot on the source, the CLI still running), and its Start cutover goes
// to the CLI run, which completes with the target identical to the source. Closing a window
// attached to the run leaves it running; Stop from the wizard stops it cleanly. And the reverse:
// a run started in the wizard holds the project's lock and answers the terminal's `cutover`.
#include "clirun.h"
#include "compare.h"
#include "cutoverpage.h"
#include "donepage.h"
#include "engine/attachedengine.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "project/projectfile.h"
#include "testclusters.h"
#include "wizardrig.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestAttachedRun : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<test::TwoClusters> m_servers;
    std::unique_ptr<test::CliRunner> m_cli;

    // An online project of one database, saved; its run state folder in *state.
    QString makeProject(const QString &db, QString *state)
    {
        m_servers->source.createDatabase(db);
        m_servers->source.sql(
            db,
            QStringLiteral("CREATE TABLE accounts (id serial PRIMARY KEY, owner text, balance numeric(12,2));"
                           "CREATE TABLE ledger (id bigserial PRIMARY KEY, account int REFERENCES accounts, "
                           "amount numeric(12,2));"
                           "INSERT INTO accounts (owner, balance) SELECT 'owner ' || g, g FROM "
                           "generate_series(1, 300) g;"
                           "INSERT INTO ledger (account, amount) SELECT 1 + g % 300, g FROM "
                           "generate_series(1, 4000) g;"));
        project::Project p;
        p.name = QStringLiteral("Headless ") + db;
        p.mode = project::Mode::Online;
        p.source = project::ConnectionProfile::fromConnInfo(m_servers->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_servers->target.connInfo());
        p.databases << project::DatabaseSelection{db, {}, {}, {}};
        p.settings.jobs = 2;
        const QString file = m_tmp.filePath(db + QStringLiteral(".pgferry"));
        QString error;
        if (!project::saveProjectFile(p, file, &error))
            qFatal("%s", qPrintable(error));
        *state = m_cli->stateDirOf(p);
        return file;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // The wizard and the CLI share the run state folder, as they do for one user.
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("state"))));
        m_servers = std::make_unique<test::TwoClusters>();
        m_cli = std::make_unique<test::CliRunner>(*m_servers, m_tmp.filePath(QStringLiteral("state")));
    }
    void cleanupTestCase()
    {
        m_cli.reset();
        m_servers.reset();
    }

    void theWizardFollowsACliRunAndCutsItOver()
    {
        const QString db = QStringLiteral("headless");
        QString state;
        const QString file = makeProject(db, &state);
        std::unique_ptr<QProcess> run = m_cli->startRunUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);

        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        QList<engine::RunState> seen;
        connect(w, &MigrationWizard::statusChanged, this,
                [&seen](const engine::MigrationStatus &s) { seen << s.state; });
        QVERIFY(window.openProject(file));

        // The dashboard of the CLI's run, attached, with no engine of the wizard's own.
        QCOMPARE(w->currentId(), int(MigrationWizard::MonitorPage));
        QVERIFY(w->isRunning());
        QVERIFY(w->attachedRun());
        QCOMPARE(w->attachedRun()->pid(), run->processId());
        auto *attached = window.findChild<QLabel *>(QStringLiteral("attachedRun"));
        QVERIFY(attached && attached->isVisible());
        QVERIFY2(attached->text().contains(QString::number(run->processId())), qPrintable(attached->text()));
        QTRY_COMPARE_WITH_TIMEOUT(w->status().state, engine::RunState::Streaming, 10000);
        QTest::qWait(3000); // a second engine would have failed by now
        QVERIFY(!seen.contains(engine::RunState::Failed));
        QCOMPARE(w->status().state, engine::RunState::Streaming);
        QCOMPARE(run->state(), QProcess::Running);
        QCOMPARE(m_servers->source.slotCount(db), 1);

        // Writes while it streams, then the cutover from the wizard.
        m_servers->source.sql(
            db,
            QStringLiteral(
                "INSERT INTO ledger (account, amount) SELECT 1 + g % 300, -g FROM generate_series(1, 500) g;"
                "UPDATE accounts SET balance = balance + 1 WHERE id % 3 = 0; DELETE FROM ledger WHERE id % "
                "97 = 0;"));
        auto *monitor = static_cast<MonitorPage *>(w->currentPage());
        QPushButton *cutover = monitor->cutoverButton();
        QTRY_VERIFY2_WITH_TIMEOUT(cutover->isEnabled(), qPrintable(cutover->toolTip()), 90000);
        QTest::mouseClick(cutover, Qt::LeftButton);
        QCOMPARE(w->currentId(), int(MigrationWizard::CutoverPage));
        auto *page = static_cast<CutoverPage *>(w->currentPage());
        rig.applyCutover(); // the run may refuse for a moment (a burst of lag): Apply again
        if (QTest::currentTestFailed())
            return;

        // The CLI run cuts over and ends; the wizard shows its end.
        QVERIFY(run->waitForFinished(180000));
        qInfo().noquote() << run->readAllStandardError();
        QCOMPARE(run->exitCode(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!w->isRunning(), 10000);
        QVERIFY2(w->status().state == engine::RunState::Completed,
                 qPrintable(w->status().errors.join(u'\n')));
        QVERIFY(!seen.contains(engine::RunState::Failed));
        QTRY_VERIFY(page->isComplete());
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("doneHeadline"))->text().contains(u"completed"));
        QString error;
        auto *done = static_cast<DonePage *>(w->currentPage());
        QVERIFY2(
            done->exportReport(m_tmp.filePath(QStringLiteral("report.html")), QStringLiteral("html"), &error),
            qPrintable(error));

        pg::Connection src = m_servers->source.connect(db);
        pg::Connection dst = m_servers->target.connect(db);
        const test::CompareResult cmp = test::compareDatabases(src, dst);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QCOMPARE(cmp.tablesCompared, 2);
        QCOMPARE(m_servers->source.slotCount(db), 0);
    }

    void stopInTheWizardStopsTheCliRunCleanly()
    {
        const QString db = QStringLiteral("stoppable");
        QString state;
        const QString file = makeProject(db, &state);
        std::unique_ptr<QProcess> run = m_cli->startRunUntil(file, state, QStringLiteral("streaming"));
        QVERIFY(run);

        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent2.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        QVERIFY(window.openProject(file));
        QVERIFY(w->attachedRun());
        QTRY_COMPARE_WITH_TIMEOUT(w->status().state, engine::RunState::Streaming, 10000);

        // A second window that attaches and closes asks nothing of the run: it streams on.
        {
            MainWindow other(rig.services);
            other.setAsk([](const QString &, const QString &, QMessageBox::StandardButtons) {
                qFatal("closing a window attached to a run started elsewhere asked a question");
                return QMessageBox::No;
            });
            other.show();
            QVERIFY(other.openProject(file));
            QVERIFY(other.wizard()->attachedRun());
            QVERIFY(other.close());
        }
        QTest::qWait(1500);
        QCOMPARE(run->state(), QProcess::Running);
        QVERIFY(!QFile::exists(engine::RunFiles::stopRequestFile(state)));
        QCOMPARE(engine::RunFiles::liveRun(state).pid, run->processId());
        auto *stop = window.findChild<QPushButton *>(QStringLiteral("stopRun"));
        QVERIFY(stop && stop->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        // waitForFinished() is false for a process already seen to end (the click's events may
        // have taken its exit): ended is what counts.
        QVERIFY(run->state() == QProcess::NotRunning || run->waitForFinished(60000));
        QCOMPARE(run->exitCode(), 1); // "stopped; run the same command again to resume"
        QVERIFY2(QString::fromUtf8(run->readAllStandardError()).contains(u"stopped"),
                 "the CLI did not say it stopped");
        QTRY_VERIFY_WITH_TIMEOUT(!w->isRunning(), 10000);
        QCOMPARE(w->status().state, engine::RunState::Stopped);
        QTRY_COMPARE(stop->text(), MonitorPage::tr("Res&ume"));
        QCOMPARE(m_servers->source.slotCount(db), 1); // kept for the resumption
        // Closing the window asks nothing of a run that is not the wizard's.
        window.close();
    }

    // The reverse case: a run started in the wizard is found and answered from a terminal as a
    // `pgferry-cli run` is. It holds the project's lock (a second `run` refuses, naming this
    // process), `status` shows it in progress, `cutover` reaches it and is answered, the run
    // completes identical and the lock goes with it.
    void aRunStartedInTheWizardIsReachedFromTheTerminal()
    {
        const QString db = QStringLiteral("windowrun");
        QString state;
        const QString file = makeProject(db, &state);
        // The passwords as a pipeline passes them (the window would ask, or read the keychain).
        const QProcessEnvironment env = m_cli->environment();
        for (const char *name : {"PGFERRY_SOURCE_PASSWORD", "PGFERRY_TARGET_PASSWORD"})
            qputenv(name, env.value(QString::fromLatin1(name)).toUtf8());
        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent3.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        QVERIFY(window.openProject(file));
        QString error;
        QVERIFY2(w->startRun(&error), qPrintable(error));
        QVERIFY(!w->attachedRun());
        QSignalSpy finished(w, &MigrationWizard::runFinished);
        QTRY_VERIFY_WITH_TIMEOUT(w->status().state == engine::RunState::Streaming || !w->isRunning(), 180000);
        QVERIFY2(w->status().state == engine::RunState::Streaming,
                 qPrintable(w->status().errors.join(u'\n') + w->status().log.join(u'\n')));
        const QString pid = QString::number(QCoreApplication::applicationPid());
        QCOMPARE(engine::RunFiles::liveRun(state).pid, QCoreApplication::applicationPid());

        // The terminal's commands run while this window's events go on (the run answers from them).
        const auto cli = [this](const QStringList &args, QString *out, QString *err) {
            std::unique_ptr<QProcess> p = m_cli->start(args);
            if (!QTest::qWaitFor([&] { return p->state() == QProcess::NotRunning; }, 180000))
                return -1;
            *out = QString::fromUtf8(p->readAllStandardOutput());
            *err = QString::fromUtf8(p->readAllStandardError());
            return p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        };
        QString out, err;
        QCOMPARE(cli({QStringLiteral("run"), file}, &out, &err), 1);
        QVERIFY2(err.contains(QStringLiteral("already in progress (pid %1").arg(pid)), qPrintable(err));
        QCOMPARE(m_servers->source.slotCount(db), 1); // no second run began
        QCOMPARE(cli({QStringLiteral("status"), file}, &out, &err), 0);
        QVERIFY2(out.contains(QStringLiteral("run in progress, pid %1").arg(pid)), qPrintable(out + err));

        m_servers->source.sql(db, QStringLiteral("UPDATE accounts SET balance = balance * 2 WHERE id % 7 = 0;"
                                                 "INSERT INTO ledger (account, amount) VALUES (5, 55);"));
        int rc = -1;
        for (int attempt = 0; attempt < 30 && rc != 0; ++attempt) { // a burst of lag may refuse a moment
            rc = cli({QStringLiteral("cutover"), file, QStringLiteral("--yes")}, &out, &err);
            if (rc != 0) {
                qInfo("%s", qPrintable(err));
                QTest::qWait(1000);
            }
        }
        QCOMPARE(rc, 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000); // often already during `cutover`
        QVERIFY2(w->status().state == engine::RunState::Completed,
                 qPrintable(w->status().errors.join(u'\n')));
        QTRY_COMPARE(engine::RunFiles::liveRun(state).pid, 0);
        QVERIFY(!QFile::exists(engine::RunFiles::lockFile(state)));
        pg::Connection src = m_servers->source.connect(db);
        pg::Connection dst = m_servers->target.connect(db);
        const test::CompareResult cmp = test::compareDatabases(src, dst);
        QVERIFY2(cmp.identical(), qPrintable(cmp.differences.join(u'\n')));
        QCOMPARE(m_servers->source.slotCount(db), 0);
    }

    // Two processes that claim one project's lock at once: exactly one gets it.
    void theLockIsClaimedByOneRunAtATime()
    {
        QTemporaryDir dir;
        QString error;
        engine::RunFiles::LiveRun holder;
        QVERIFY2(engine::RunFiles::claimLock(dir.path(), &holder, &error), qPrintable(error));
        QCOMPARE(engine::RunFiles::liveRun(dir.path()).pid, QCoreApplication::applicationPid());
        // One run per project in this process too (a second window would double it).
        QVERIFY(!engine::RunFiles::claimLock(dir.path(), &holder, &error));
        QCOMPARE(holder.pid, QCoreApplication::applicationPid());
        QVERIFY2(error.contains(u"already in progress"), qPrintable(error));
        engine::RunFiles::releaseLock(dir.path());
        QVERIFY(!QFile::exists(engine::RunFiles::lockFile(dir.path())));
        // A lock whose process is gone (a pid with another start time) is taken over.
        QFile lock(engine::RunFiles::lockFile(dir.path()));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QByteArray::number(QCoreApplication::applicationPid()) + '\n' +
                   QSysInfo::machineHostName().toUtf8() + "\nstarted 1\n");
        lock.close();
        QCOMPARE(engine::RunFiles::liveRun(dir.path()).pid, 0);
        QVERIFY2(engine::RunFiles::claimLock(dir.path(), &holder, &error), qPrintable(error));
        engine::RunFiles::releaseLock(dir.path());
    }
};

QTEST_MAIN(TestAttachedRun)
#include "tst_attachedrun.moc"
