// The files in a project's run state folder through which a running `run` and other processes
// (`pgferry-cli status`, `cutover`, `azure cancel-migration`, a wizard attached to the run) talk:
// the run's lock file (its pid and host), the last published status, and the requests (cutover,
// retry, stop, resync, fallback) with their answers. Shared by both engines, the CLI and the
// wizard's attached engine: one writer and one reader of each file.
#pragma once

#include "engine/migrationstatus.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace pgferry::engine {

class RunFiles
{
public:
    static QString statusFile(const QString &stateDir) { return stateDir + QStringLiteral("/status.json"); }
    static QString cutoverRequestFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/cutover.request");
    }
    static QString cutoverResponseFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/cutover.response");
    }

    // `pgferry-cli fail-back` and `fallback end`: {"action": "fail-back"|"end", "database": ""}.
    static QString fallbackRequestFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/fallback.request");
    }
    static QString fallbackResponseFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/fallback.response");
    }

    static QString resyncRequestFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/resync.request");
    }
    static QString resyncResponseFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/resync.response");
    }

    // Load one failed table again: {"database": NAME, "table": "schema.name"}.
    static QString retryRequestFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/retry.request");
    }
    static QString retryResponseFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/retry.response");
    }

    // Stop cleanly, as SIGTERM does ({}); the next `run` resumes.
    static QString stopRequestFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/stop.request");
    }
    static QString stopResponseFile(const QString &stateDir)
    {
        return stateDir + QStringLiteral("/stop.response");
    }

    // Replaces status.json atomically (owner-only); does nothing when stateDir is empty.
    static void writeStatus(const QString &stateDir, const MigrationStatus &status);
    // The last status written, empty when none.
    static QJsonObject readStatus(const QString &stateDir);

    // The lock file of the live run: its pid on the first line, its host on the second, and on a
    // third "started TICKS", when the process started (older pgferry wrote the first one or two).
    static QString lockFile(const QString &stateDir) { return stateDir + QStringLiteral("/run.pid"); }
    // Writes the lock file for this process, whatever was there; false and *error when it cannot.
    static bool writeLock(const QString &stateDir, QString *error);
    struct LiveRun
    {
        qint64 pid = 0; // 0: no run is in progress
        QString host;   // where it runs (this machine's name for a lock without one)
        bool thisHost = true;
    };
    // Takes the lock for this process unless another live run holds it (then *holder and
    // *error name that run); a lock left by a run that is gone is taken over. Race-free between
    // processes on one host: the file is created only if absent.
    static bool claimLock(const QString &stateDir, LiveRun *holder, QString *error);
    // Removes the lock if it is this process's.
    static void releaseLock(const QString &stateDir);
    // The run of this state folder that is in progress. On this host the pid must be the live
    // process that wrote the lock (its start time; for an older lock, a pgferry process), not a
    // recycled pid; a run on another host (a shared home folder) counts while its status.json is
    // younger than a minute.
    static LiveRun liveRun(const QString &stateDir);

    // The asking side: replaces any old answer and writes the request (owner-only, atomically).
    // False and *error (which file, why) when it cannot.
    static bool writeRequest(const QString &requestFile, const QString &responseFile,
                             const QJsonObject &request, QString *error);
    // The run's answer to a request, {"accepted": bool, "reason": text}; empty while none.
    static QJsonObject readResponse(const QString &responseFile);
    // The run's side: reads and removes a request; nullopt when there is none.
    static std::optional<QJsonObject> takeRequest(const QString &requestFile);
    static void writeResponse(const QString &responseFile, bool accepted, const QString &reason);

    // The bodies of the requests, the one place that spells them.
    // Cutover: `database` empty: every database left; `fallback` set overrides settings.cutover.fallback.
    static QJsonObject cutoverRequest(const QString &database, std::optional<bool> fallback);
    static QJsonObject tableRequest(const QString &database, const QString &table); // resync, retry
    static QJsonObject fallbackRequest(bool failBack, const QString &database);
};

} // namespace pgferry::engine
