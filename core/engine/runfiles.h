// The files in a project's run state folder through which a running `run` and other processes
// (`pgferry-cli status`, `cutover`, `azure cancel-migration`) talk: the last published status,
// and the cutover request and its answer. Shared by both engines and the CLI.
#pragma once

#include "engine/migrationstatus.h"

#include <QJsonObject>
#include <QString>

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
    static QString fallbackRequestFile(const QString &stateDir) { return stateDir + QStringLiteral("/fallback.request"); }
    static QString fallbackResponseFile(const QString &stateDir) { return stateDir + QStringLiteral("/fallback.response"); }

    static QString resyncRequestFile(const QString &stateDir) { return stateDir + QStringLiteral("/resync.request"); }
    static QString resyncResponseFile(const QString &stateDir) { return stateDir + QStringLiteral("/resync.response"); }

    // Replaces status.json atomically (owner-only); does nothing when stateDir is empty.
    static void writeStatus(const QString &stateDir, const MigrationStatus &status);
    // The last status written, empty when none.
    static QJsonObject readStatus(const QString &stateDir);
};

} // namespace pgferry::engine
