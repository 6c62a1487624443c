// LocalEngine's public side (start, the requests, status and its publishing) and runAll, which
// runs each database's migration (LocalEngine::Run, localrun.h) on its own thread and resumes it
// from the journal after a failure that may pass. migrate() lists the phases; run_*.cpp hold them.
#include "engine/localengine.h"
#include "engine/localrun.h"

#include "pg/connection.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSet>

namespace pgferry::engine {

// ------------------------------------------------------------------ one database's migration

void LocalEngine::Run::migrate(Until until)
{
    Journal &j = e.m_journal;
    // However the attempt ends, what its phases shared goes with it.
    struct Release
    {
        Run &run;
        ~Release() { run.endAttempt(); }
    } release{*this};

    // Cut over with a fallback that still runs: only the stream back remains.
    if (online && j.done(db.name, QStringLiteral("cutover_complete")) &&
        j.done(db.name, QStringLiteral("fallback_slot"))) {
        phaseClock.start();
        totalClock.start();
        if (j.value(db.name, QStringLiteral("fallback_outcome")).isEmpty())
            fallback(until);
        finishDatabase(totalClock);
        return;
    }

    prepare();
    takeSnapshot();
    restoreSchema();
    openStream();
    loadAll();
    buildIndexes();
    if (online) {
        streamUntilCutover(until);
        cutOverOnline(until);
    } else {
        cutOverOffline();
    }
    finishDatabase(totalClock);
}

void LocalEngine::Run::endAttempt()
{
    finisher.reset();
    {
        // resyncTable() reaches the stream only while it exists.
        QMutexLocker l(&e.m_mutex);
        e.m_streams.remove(index);
    }
    stream.reset();
    migrator.reset();
    exporter.reset();
    target = pg::Connection();
    snapshotHolder = pg::Connection();
}

// ------------------------------------------------------------------ LocalEngine

LocalEngine::LocalEngine(LocalEngineConfig config, QObject *parent)
    : MigrationEngine(parent), m_config(std::move(config)), m_journal(m_config.stateDir)
{
    m_status.projectId = m_config.project.id;
    m_status.engine = QStringLiteral("local");
    m_status.mode = project::modeName(m_config.project.mode);
    for (const auto &d : m_config.project.databases) {
        DatabaseStatus ds;
        ds.name = d.name;
        ds.targetName = d.effectiveTarget();
        m_status.databases.append(ds);
    }
    m_timer.setInterval(250);
    connect(&m_timer, &QTimer::timeout, this, &LocalEngine::publish);
}

LocalEngine::~LocalEngine()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

void LocalEngine::start(Until until)
{
    if (m_running)
        return;
    m_lastUntil = until;
    if (!m_config.stateDir.isEmpty()) { // else the journal refuses to load, and the run fails saying so
        QDir().mkpath(m_config.stateDir);
        QFile::setPermissions(m_config.stateDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile::remove(cutoverRequestFile(m_config.stateDir));
        QFile::remove(RunFiles::fallbackRequestFile(m_config.stateDir));
    }
    if (m_thread.joinable())
        m_thread.join();
    m_stop = false;
    m_running = true;
    {
        QMutexLocker l(&m_mutex);
        m_cutoverAsked.clear(); // a cutover that was asked and stopped is asked again
        m_cutoverFallback.clear();
    }
    m_clock.start();
    {
        QMutexLocker l(&m_mutex);
        m_status.startedAt = QDateTime::currentDateTimeUtc();
        m_status.state = RunState::Running;
        m_status.errors.clear();
        ++m_version;
    }
    m_timer.start();
    m_thread = std::thread([this, until] { runAll(until); });
}

void LocalEngine::runAll(Until until)
{
    bool ok = true;
    bool ready = false;
    QStringList errors;
    QString err;
    if (!m_journal.load(&err)) {
        ok = false;
        errors << err;
    } else if (m_config.project.databases.isEmpty()) {
        ok = false;
        errors << QStringLiteral("the project selects no database to migrate");
    }
    // Databases migrate side by side: online, each one streams until the common cutover.
    const int n = ok ? int(m_config.project.databases.size()) : 0;
    std::vector<int> outcome(std::size_t(n), 0); // 0 done, 1 failed, 2 stopped, 3 ready, 4 fallback caught up
    QMutex em;
    auto one = [&](int i) {
        const QString name = m_config.project.databases[i].name;
        if (m_journal.done(name, QStringLiteral("done"))) {
            QMutexLocker l(&m_mutex);
            m_status.databases[i].phase = DatabasePhase::Done;
            m_status.databases[i].fallback = m_journal.value(name, QStringLiteral("fallback_outcome"));
            ++m_version;
            return;
        }
        QString failure;
        for (int attempt = 0;; ++attempt) {
            Run run(*this, i);
            bool resumable = false;
            failure.clear();
            try {
                run.migrate(until);
            } catch (const StopRequested &) {
                outcome[std::size_t(i)] = 2;
            } catch (const ReadyReached &) {
                outcome[std::size_t(i)] = 3;
            } catch (const FallbackCaughtUp &) {
                outcome[std::size_t(i)] = 4;
            } catch (const pg::Exception &ex) {
                failure = ex.error().toString();
                resumable = ex.error().retryable();
            } catch (const Resumable &ex) {
                failure = errorText(ex);
                resumable = true;
            } catch (const std::exception &ex) {
                failure = errorText(ex);
            }
            if (failure.isEmpty() || !resumable || attempt + 1 >= kResumeAttempts || m_stop.load())
                break;
            // A server restarted or a link dropped: resume from the journal after a bounded backoff.
            {
                QMutexLocker l(&m_mutex);
                m_status.databases[i].phase = DatabasePhase::Prepare;
                m_status.log.append(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) +
                                    name +
                                    QStringLiteral(": %1; resuming from the journal (attempt %2 of %3)")
                                        .arg(failure)
                                        .arg(attempt + 2)
                                        .arg(kResumeAttempts));
                ++m_version;
            }
            backoff(attempt + 1, m_stop);
        }
        if (!failure.isEmpty()) {
            if (m_stop.load()) {
                outcome[std::size_t(i)] = 2;
                return;
            }
            outcome[std::size_t(i)] = 1;
            QMutexLocker l(&m_mutex);
            m_status.databases[i].phase = DatabasePhase::Failed;
            ++m_version;
            QMutexLocker le(&em);
            errors << QStringLiteral("database %1: %2").arg(name, failure);
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back(one, i);
    for (auto &t : threads)
        t.join();
    bool inFallback = false;
    for (int o : outcome) {
        ok = ok && (o == 0 || o == 3 || o == 4);
        ready = ready || o == 3;
        inFallback = inFallback || o == 4;
    }
    const bool stopped = std::find(outcome.begin(), outcome.end(), 2) != outcome.end() || m_stop.load();
    {
        QMutexLocker l(&m_mutex);
        if (stopped && errors.isEmpty())
            m_status.state = RunState::Stopped;
        else if (!ok)
            m_status.state = RunState::Failed;
        else
            m_status.state = ready        ? RunState::Streaming
                             : inFallback ? RunState::Fallback
                                          : RunState::Completed;
        m_status.errors << errors;
        ++m_version;
    }
    m_journal.save();
    const bool success = ok && !stopped;
    QMetaObject::invokeMethod(
        this,
        [this, success] {
            m_timer.stop();
            publish();
            m_running = false;
            if (m_thread.joinable())
                m_thread.join();
            Q_EMIT finished(success);
        },
        Qt::QueuedConnection);
}

bool LocalEngine::requestCutover(QString *whyNot)
{
    return requestCutoverOf({}, whyNot);
}

bool LocalEngine::requestCutoverOf(const QString &database, QString *whyNot)
{
    return requestCutoverWith(database, {}, whyNot);
}

bool LocalEngine::requestCutoverWith(const QString &database, const CutoverOptions &options, QString *whyNot)
{
    const MigrationStatus s = status();
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    if (m_config.project.mode != project::Mode::Online)
        return refuse(QStringLiteral("an offline migration has no cutover step"));
    // The old server takes no writes of its own while it is the fallback: its database is made
    // read-only at cutover, and only the stream back writes to it.
    if (options.fallback.value_or(false) && !m_config.project.settings.cutover.makeSourceReadOnly)
        return refuse(
            QStringLiteral("a fallback needs the source made read-only at cutover "
                           "(settings.cutover.make_source_read_only), which this project turns off"));
    // Lag above the threshold alone does not refuse: it comes and goes with the source's writes (it
    // may jump right after the dashboard said ready), and the cutover waits for it to go down
    // before it touches the source. Anything else (still loading, not streaming) refuses.
    const auto cutOver = [](const DatabaseStatus &d) {
        return d.phase == DatabasePhase::Done || d.phase == DatabasePhase::Fallback ||
               d.phase == DatabasePhase::FailingBack;
    };
    QStringList reasons;
    QList<int> chosen;
    bool waitsForLag = false;
    for (int i = 0; i < s.databases.size(); ++i) {
        const DatabaseStatus &d = s.databases[i];
        if (!database.isEmpty() && d.name != database)
            continue;
        if (cutOver(d)) {
            if (!database.isEmpty())
                return refuse(
                    QStringLiteral("database %1 is cut over already (%2)").arg(d.name, phaseName(d.phase)));
            continue;
        }
        chosen << i;
        if (d.readyForCutover && d.phase == DatabasePhase::Streaming)
            continue;
        if (d.phase == DatabasePhase::Streaming && d.notReadyReason.startsWith(u"replication lag")) {
            waitsForLag = true;
            continue;
        }
        reasons << d.name + QStringLiteral(": ") +
                       (d.notReadyReason.isEmpty() ? QStringLiteral("still in phase ") + phaseName(d.phase)
                                                   : d.notReadyReason);
    }
    if (!database.isEmpty() && chosen.isEmpty() && reasons.isEmpty())
        return refuse(QStringLiteral("the project has no database %1").arg(database));
    if (chosen.isEmpty() && reasons.isEmpty())
        return refuse(QStringLiteral("every database is cut over already"));
    // All at once: only when the run as a whole streams (none still loading).
    if (!reasons.isEmpty() || (database.isEmpty() && s.state != RunState::Streaming))
        return refuse(
            reasons.isEmpty()
                ? QStringLiteral("not ready for cutover (the run is not streaming)")
                : QStringLiteral("not ready for cutover (%1)").arg(reasons.join(QStringLiteral("; "))));
    QMutexLocker l(&m_mutex);
    if (waitsForLag) {
        m_status.log.append(
            QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) +
            QStringLiteral("cutover requested: waiting for the replication lag to fall under the threshold"));
        ++m_version;
    }
    for (int i : chosen) {
        m_cutoverAsked.insert(i);
        if (options.fallback)
            m_cutoverFallback.insert(i, *options.fallback);
        else
            m_cutoverFallback.remove(i);
    }
    return true;
}

bool LocalEngine::resyncTable(const QString &database, const QString &table, QString *whyNot)
{
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    if (m_config.project.mode != project::Mode::Online)
        return refuse(
            QStringLiteral("an offline migration does not stream: run it again to load what is missing"));
    QMutexLocker l(&m_mutex);
    for (int i = 0; i < m_status.databases.size(); ++i) {
        if (m_status.databases[i].name != database)
            continue;
        if (m_status.databases[i].phase != DatabasePhase::Streaming || !m_streams.contains(i))
            return refuse(
                QStringLiteral("database %1 is not streaming (phase %2): a table is copied again only while "
                               "changes stream")
                    .arg(database, phaseName(m_status.databases[i].phase)));
        if (!table.contains(u'.'))
            return refuse(QStringLiteral("name the table as schema.table"));
        m_streams.value(i)->requestResync(table);
        m_status.log.append(
            QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + database +
            QStringLiteral(": copying %1 again from a new snapshot (other tables wait meanwhile)")
                .arg(table));
        ++m_version;
        return true;
    }
    return refuse(QStringLiteral("no database %1 in this migration").arg(database));
}

bool LocalEngine::requestFallback(FallbackAction action, const QString &database, QString *whyNot)
{
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    QMutexLocker l(&m_mutex);
    QList<int> chosen;
    QStringList notInFallback;
    for (int i = 0; i < m_status.databases.size(); ++i) {
        const DatabaseStatus &d = m_status.databases[i];
        if (!database.isEmpty() && d.name != database)
            continue;
        if (d.phase == DatabasePhase::Fallback && m_running)
            chosen << i;
        else if (!database.isEmpty() || d.phase != DatabasePhase::Done)
            notInFallback << QStringLiteral("%1 (%2%3)")
                                 .arg(d.name, phaseName(d.phase),
                                      d.fallback.isEmpty() ? QString()
                                                           : QStringLiteral(", fallback ") + d.fallback);
    }
    if (!database.isEmpty() && chosen.isEmpty() && notInFallback.isEmpty())
        return refuse(QStringLiteral("the project has no database %1").arg(database));
    if (chosen.isEmpty() || !notInFallback.isEmpty())
        return refuse(
            QStringLiteral(
                "not in fallback: %1. A fallback runs after a cutover with settings.cutover.fallback "
                "on (or `cutover --fallback`), while `pgferry-cli run` streams the target's writes back")
                .arg(notInFallback.isEmpty() ? QStringLiteral("no database")
                                             : notInFallback.join(QStringLiteral(", "))));
    for (int i : chosen) {
        m_fallbackRequests.insert(i, action);
        DatabaseStatus &d = m_status.databases[i];
        if (action == FallbackAction::FailBack) {
            d.phase = DatabasePhase::FailingBack;
            d.fallback = QStringLiteral("failing back");
        }
        d.notReadyReason.clear();
        m_status.log.append(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + d.name +
                            (action == FallbackAction::FailBack ? QStringLiteral(": fail-back requested")
                                                                : QStringLiteral(": ending the fallback")));
    }
    ++m_version;
    return true;
}

bool LocalEngine::retryTable(const QString &database, const QString &table, QString *whyNot)
{
    auto refuse = [whyNot](const QString &why) {
        if (whyNot)
            *whyNot = why;
        return false;
    };
    QMutexLocker l(&m_mutex);
    const DatabaseStatus *d = nullptr;
    for (const DatabaseStatus &x : m_status.databases)
        if (x.name == database)
            d = &x;
    if (!d)
        return refuse(QStringLiteral("the project has no database %1").arg(database));
    const TableStatus *t = nullptr;
    for (const TableStatus &x : d->tables)
        if (x.qualifiedName() == table)
            t = &x;
    if (!t)
        return refuse(QStringLiteral("database %1 has no table %2 in this migration").arg(database, table));
    if (t->state != TableState::Failed)
        return refuse(QStringLiteral("table %1 has not failed (%2)").arg(table, tableStateName(t->state)));
    if (m_running) {
        if (d->phase != DatabasePhase::FullLoad)
            return refuse(
                QStringLiteral("database %1 has left its load (%2); when the run has ended, Retry starts it "
                               "again and loads only what is missing")
                    .arg(database, phaseName(d->phase)));
        // The load's workers take it from here (LocalEngine::Run::loadTables).
        m_retry.insert({database, table});
        return true;
    }
    // The run has ended (the load failed on this table): start it again. The journal and the
    // target's unit table make it load only what is missing, this table's failed ranges first.
    for (DatabaseStatus &x : m_status.databases)
        for (TableStatus &y : x.tables)
            if (x.name == database && y.qualifiedName() == table) {
                y.state = TableState::Queued;
                y.error.clear();
            }
    ++m_version;
    l.unlock();
    start(m_lastUntil);
    return true;
}

void LocalEngine::stop()
{
    m_stop = true;
}

MigrationStatus LocalEngine::status() const
{
    QMutexLocker l(&m_mutex);
    return m_status;
}

void LocalEngine::publish()
{
    MigrationStatus s;
    {
        QMutexLocker l(&m_mutex);
        const qint64 now = m_clock.isValid() ? m_clock.elapsed() : 0;
        const double dt = (now - m_lastMs) / 1000.0;
        for (DatabaseStatus &d : m_status.databases) {
            d.tablesTotal = int(d.tables.size());
            d.tablesQueued = d.tablesLoading = d.tablesDone = d.tablesFailed = 0;
            d.rowsCopied = d.bytesCopied = 0;
            for (const TableStatus &t : d.tables) {
                d.rowsCopied += t.rowsCopied;
                d.bytesCopied += t.bytesCopied;
                switch (t.state) {
                case TableState::Queued:
                    ++d.tablesQueued;
                    break;
                case TableState::Loading:
                    ++d.tablesLoading;
                    break;
                case TableState::Failed:
                    ++d.tablesFailed;
                    break;
                default:
                    ++d.tablesDone;
                    break;
                }
            }
        }
        if (dt >= 0.2) {
            // Each database's own rate: several load at once.
            for (DatabaseStatus &d : m_status.databases) {
                const auto last = m_lastCopied.value(d.name, {d.rowsCopied, d.bytesCopied});
                const bool active = d.phase == DatabasePhase::FullLoad;
                const double rps = (d.rowsCopied - last.first) / dt, bps = (d.bytesCopied - last.second) / dt;
                d.rowsPerSecond = active ? std::max(0.0, rps) : 0;
                d.bytesPerSecond = active ? std::max(0.0, bps) : 0;
                // While streaming, the stream loop sets the catch-up ETA.
                if (d.phase != DatabasePhase::Streaming)
                    d.etaSeconds =
                        (active && bps > 0) ? std::max<qint64>(0, d.bytesTotal - d.bytesCopied) / bps : -1;
                m_lastCopied.insert(d.name, {d.rowsCopied, d.bytesCopied});
            }
            m_lastMs = now;
        }
        if (m_status.state == RunState::Running || m_status.state == RunState::Streaming ||
            m_status.state == RunState::CuttingOver || m_status.state == RunState::Fallback ||
            m_status.state == RunState::FailingBack) {
            bool allStreaming = !m_status.databases.isEmpty(), anyCutover = false;
            bool allCutOver = !m_status.databases.isEmpty(), anyFallback = false, anyFailingBack = false;
            for (const DatabaseStatus &d : m_status.databases) {
                // A database cut over on its own (done, or in fallback) waits for the others.
                allStreaming = allStreaming &&
                               (d.phase == DatabasePhase::Streaming || d.phase == DatabasePhase::Done ||
                                d.phase == DatabasePhase::Fallback || d.phase == DatabasePhase::FailingBack);
                anyCutover =
                    anyCutover || d.phase == DatabasePhase::Cutover || d.phase == DatabasePhase::Verify;
                allCutOver =
                    allCutOver && (d.phase == DatabasePhase::Fallback ||
                                   d.phase == DatabasePhase::FailingBack || d.phase == DatabasePhase::Done);
                anyFallback = anyFallback || d.phase == DatabasePhase::Fallback;
                anyFailingBack = anyFailingBack || d.phase == DatabasePhase::FailingBack;
            }
            m_status.state = anyCutover                  ? RunState::CuttingOver
                             : anyFailingBack            ? RunState::FailingBack
                             : anyFallback && allCutOver ? RunState::Fallback
                             : allStreaming && m_config.project.mode == project::Mode::Online
                                 ? RunState::Streaming
                                 : RunState::Running;
        }
        m_status.updatedAt = QDateTime::currentDateTimeUtc();
        s = m_status;
        ++m_version;
    }
    RunFiles::writeStatus(m_config.stateDir, s);
    Q_EMIT statusChanged(s);
}

} // namespace pgferry::engine
