// Finding and running the PostgreSQL client tools (pg_dump, pg_restore) whose major version is at
// least the source's. Passwords reach them through the environment, never their command line.
#pragma once

#include "pg/conninfo.h"
#include "pg/version.h"

#include <QString>
#include <QStringList>
#include <atomic>

namespace pgferry::schema {

struct ToolResult
{
    int exitCode = -1;
    QString output; // stderr and stdout, merged
    bool ok() const { return exitCode == 0; }
};

class PgTools
{
public:
    // The newest installed client tools with major >= minMajor (a pg::majorKey: 906, 1500),
    // searched in PGFERRY_PG_BINDIR, /usr/lib/postgresql/*/bin and PATH. Empty bindir() when none
    // qualifies.
    static PgTools find(int minMajor);
    // The tools in binDir, of that major (a pg::majorKey).
    static PgTools at(const QString &binDir, int major);
    bool isValid() const { return !m_binDir.isEmpty(); }
    QString binDir() const { return m_binDir; }
    int major() const { return m_major; } // a pg::majorKey: 906, 1500
    QString majorName() const { return pg::majorKeyName(m_major); }
    // What to tell the user when find() found nothing: which major is needed, which is installed,
    // and how to install the right one.
    static QString missingMessage(int minMajor);

    // Runs bin/`tool` with `args`, connection settings from `conn` in its environment.
    ToolResult run(const QString &tool, const QStringList &args, const pg::ConnInfo &conn,
                   const std::atomic_bool *cancel = nullptr, int timeoutSeconds = 24 * 3600) const;

private:
    QString m_binDir;
    int m_major = 0;
};

// The major version of a pg_dump binary as a pg::majorKey (1500 for 15, 906 for 9.6), or 0.
int toolMajorVersion(const QString &binary);

} // namespace pgferry::schema
