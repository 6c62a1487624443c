// A run of this project that another process (`pgferry-cli run`, usually) has under way, seen
// through its files in the run state folder (engine::RunFiles): its status.json, read every
// second and published as MigrationStatus like any engine's; cutover, retry, stop, resync and
// fallback go to it as the request files `pgferry-cli cutover` and the others write. It never
// connects to a server itself. finished() follows when that process ends (its lock is gone).
#pragma once

#include "engine/migrationengine.h"
#include "engine/runfiles.h"

#include <QHash>
#include <QSet>
#include <QTimer>

namespace pgferry::engine {

class AttachedEngine : public MigrationEngine
{
    Q_OBJECT
public:
    AttachedEngine(const QString &stateDir, const RunFiles::LiveRun &run, QObject *parent = nullptr);
    ~AttachedEngine() override;

    // Starts following the run (the `until` of the run is its own); statusChanged at once.
    void start(Until until) override;
    bool requestCutover(QString *whyNot = nullptr) override;
    bool requestCutoverOf(const QString &database, QString *whyNot = nullptr) override;
    bool requestCutoverWith(const QString &database, const CutoverOptions &options,
                            QString *whyNot = nullptr) override;
    // Asks the run to stop cleanly (as SIGTERM does); finished() follows when it has.
    void stop() override;
    MigrationStatus status() const override { return m_status; }
    bool retryTable(const QString &database, const QString &table, QString *whyNot = nullptr) override;
    bool resyncTable(const QString &database, const QString &table, QString *whyNot = nullptr) override;
    bool requestFallback(FallbackAction action, const QString &database, QString *whyNot = nullptr) override;

    qint64 pid() const { return m_run.pid; }
    QString host() const { return m_run.host; }
    const QString &stateDir() const { return m_stateDir; }
    // Reads status.json and the run's answers now (the timer does this every second).
    void poll();

private:
    // Writes one request; the answer, when the run refuses, arrives as a log line.
    bool ask(const QString &what, const QString &request, const QString &response, const QJsonObject &body,
             QString *whyNot);

    QString m_stateDir;
    RunFiles::LiveRun m_run;
    QTimer m_timer;
    MigrationStatus m_status;
    QString m_lastStatusText; // the status.json last published, to publish changes only
    QSet<QString> m_logSeen;
    QHash<QString, QString> m_pending; // response file -> what was asked ("the cutover"), until answered
    bool m_following = false;
};

} // namespace pgferry::engine
