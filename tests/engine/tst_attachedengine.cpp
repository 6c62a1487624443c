// The engine that follows a run of another process through its files (engine::AttachedEngine),
// against the run's side of the same files as `pgferry-cli run` reads and answers them
// (RunFiles::takeRequest / writeResponse): the status is published, cutover (with the fallback
// choice), retry, resync and stop arrive as the run's reader expects them, a refusal comes back
// with the run's reason, and the end of the process ends the engine. The "run" is a process named
// pgferry (so that its lock counts as live) that only sleeps.
#include "engine/attachedengine.h"
#include "engine/runfiles.h"

#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace pgferry;
using engine::RunFiles;

class TestAttachedEngine : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_state;
    QProcess m_run; // stands in for `pgferry-cli run`
    // The run's side: what it took from each request file, and how it answers.
    QHash<QString, QList<QJsonObject>> m_taken;
    QString m_refuseWith;
    QTimer m_runSide;

    static engine::MigrationStatus streaming()
    {
        engine::MigrationStatus s;
        s.projectId = QStringLiteral("p1");
        s.mode = QStringLiteral("online");
        s.state = engine::RunState::Streaming;
        engine::DatabaseStatus d;
        d.name = d.targetName = QStringLiteral("shop");
        d.phase = engine::DatabasePhase::Streaming;
        d.readyForCutover = true;
        s.databases << d;
        s.updatedAt = QDateTime::currentDateTimeUtc();
        s.log << QStringLiteral("shop: streaming");
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_state = m_dir.path();
        m_run.start(QStringLiteral("bash"),
                    {QStringLiteral("-c"), QStringLiteral("exec -a pgferry-cli-standin sleep 300")});
        QVERIFY(m_run.waitForStarted());
        QFile lock(RunFiles::lockFile(m_state));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QByteArray::number(m_run.processId()) + '\n' + QSysInfo::machineHostName().toUtf8() +
                   '\n');
        lock.close();
        RunFiles::writeStatus(m_state, streaming());
        // Live once bash has become the named process.
        QTRY_COMPARE(RunFiles::liveRun(m_state).pid, m_run.processId());

        // As cmd_run does: every request file taken, handled, answered.
        connect(&m_runSide, &QTimer::timeout, this, [this] {
            for (const QString &name :
                 {QStringLiteral("cutover"), QStringLiteral("retry"), QStringLiteral("resync"),
                  QStringLiteral("stop"), QStringLiteral("fallback")}) {
                const QString base = m_state + u'/' + name;
                if (const auto o = RunFiles::takeRequest(base + QStringLiteral(".request"))) {
                    m_taken[name] << *o;
                    RunFiles::writeResponse(base + QStringLiteral(".response"), m_refuseWith.isEmpty(),
                                            m_refuseWith);
                }
            }
        });
        m_runSide.start(50);
    }

    void cleanupTestCase()
    {
        m_run.kill();
        m_run.waitForFinished();
    }

    void theLiveRunIsFoundByItsLockFile()
    {
        const RunFiles::LiveRun run = RunFiles::liveRun(m_state);
        QCOMPARE(run.pid, m_run.processId());
        QCOMPARE(run.host, QSysInfo::machineHostName());
        QVERIFY(run.thisHost);
        // A lock of the old form (a pid alone) still counts.
        QTemporaryDir old;
        QFile lock(RunFiles::lockFile(old.path()));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QByteArray::number(m_run.processId()));
        lock.close();
        QCOMPARE(RunFiles::liveRun(old.path()).pid, m_run.processId());
        // This test process is no pgferry: its pid in a lock is no run of pgferry's.
        QVERIFY(lock.open(QIODevice::WriteOnly | QIODevice::Truncate));
        lock.write(QByteArray::number(QCoreApplication::applicationPid()));
        lock.close();
        QCOMPARE(RunFiles::liveRun(old.path()).pid, 0);
    }

    void requestsReachTheRunAsItsReaderExpectsThem()
    {
        engine::AttachedEngine e(m_state, RunFiles::liveRun(m_state));
        QSignalSpy statuses(&e, &engine::MigrationEngine::statusChanged);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(statuses.count() >= 1);
        QCOMPARE(e.status().state, engine::RunState::Streaming);
        QVERIFY(e.status().readyForCutover());

        QString why;
        engine::MigrationEngine::CutoverOptions withFallback;
        withFallback.fallback = true;
        QVERIFY2(e.requestCutoverWith({}, withFallback, &why), qPrintable(why));
        QCOMPARE(m_taken.value(QStringLiteral("cutover")).size(), 1);
        QCOMPARE(m_taken.value(QStringLiteral("cutover")).last(),
                 (QJsonObject{{QStringLiteral("fallback"), true}}));
        QVERIFY2(e.requestCutoverOf(QStringLiteral("shop"), &why), qPrintable(why));
        QCOMPARE(m_taken.value(QStringLiteral("cutover")).last(),
                 (QJsonObject{{QStringLiteral("database"), QStringLiteral("shop")}}));

        QVERIFY2(e.retryTable(QStringLiteral("shop"), QStringLiteral("public.orders"), &why),
                 qPrintable(why));
        QCOMPARE(m_taken.value(QStringLiteral("retry")).last(),
                 (QJsonObject{{QStringLiteral("database"), QStringLiteral("shop")},
                              {QStringLiteral("table"), QStringLiteral("public.orders")}}));
        QVERIFY2(e.resyncTable(QStringLiteral("shop"), QStringLiteral("public.orders"), &why),
                 qPrintable(why));
        QCOMPARE(m_taken.value(QStringLiteral("resync")).size(), 1);

        // The run's refusal comes back with its reason, as `pgferry-cli cutover` prints it.
        m_refuseWith = QStringLiteral("shop: 12 changes pending");
        QVERIFY(!e.requestCutover(&why));
        QCOMPARE(why, m_refuseWith);
        m_refuseWith.clear();

        e.stop();
        QCOMPARE(m_taken.value(QStringLiteral("stop")).size(), 1);
        QCOMPARE(m_taken.value(QStringLiteral("stop")).last(), QJsonObject());
    }

    void theEngineFollowsTheRunToItsEnd()
    {
        engine::AttachedEngine e(m_state, RunFiles::liveRun(m_state));
        QSignalSpy statuses(&e, &engine::MigrationEngine::statusChanged);
        QSignalSpy finished(&e, &engine::MigrationEngine::finished);
        QSignalSpy log(&e, &engine::MigrationEngine::logLine);
        e.start(engine::MigrationEngine::Until::Done);

        engine::MigrationStatus s = streaming();
        s.state = engine::RunState::Completed;
        s.databases[0].phase = engine::DatabasePhase::Done;
        s.log << QStringLiteral("shop: cutover complete");
        RunFiles::writeStatus(m_state, s);
        QTRY_COMPARE(e.status().state, engine::RunState::Completed);
        QTRY_VERIFY(std::any_of(log.begin(), log.end(), [](const QList<QVariant> &a) {
            return a.value(0).toString() == u"shop: cutover complete";
        }));
        QCOMPARE(finished.count(), 0); // still the process's to end

        m_run.kill();
        m_run.waitForFinished();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.first().value(0).toBool(), true);
        QCOMPARE(e.status().state, engine::RunState::Completed);
        // Nothing goes to a run that has gone.
        QString why;
        QVERIFY(!e.retryTable(QStringLiteral("shop"), QStringLiteral("public.orders"), &why));
        QVERIFY2(why.contains(u"no longer in progress"), qPrintable(why));
        QCOMPARE(RunFiles::liveRun(m_state).pid, 0);
    }
};

QTEST_GUILESS_MAIN(TestAttachedEngine)
#include "tst_attachedengine.moc"
