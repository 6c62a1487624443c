// A throw-away or long-lived local PostgreSQL cluster on loopback: initdb, start, stop, restart,
// kill -9. Used by the test harness and by `pgferry-cli sandbox`. Runs the server as the
// `postgres` user when the caller is root (initdb refuses root).
#pragma once

#include "pg/conninfo.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace pgferry::sandbox {

struct ClusterOptions
{
    int port = 0; // 0: pick a free loopback port
    QString superuser = QStringLiteral("postgres");
    QString password;                 // empty: a random one is generated
    bool logical = true;              // wal_level=logical, slots and senders
    bool fastUnsafe = true;           // fsync=off: fine for throw-away clusters
    bool stopWhenProcessExits = true; // a watchdog stops the server if this process dies
    QStringList extraConfig;          // more postgresql.conf lines
    QString binDir; // the server's initdb, pg_ctl and postgres; empty: LocalCluster::binDir()
};

class LocalCluster
{
public:
    // `dir` holds data/, the log and the socket. It is created when missing.
    explicit LocalCluster(QString dir, ClusterOptions options = {});
    ~LocalCluster();
    LocalCluster(const LocalCluster &) = delete;
    LocalCluster &operator=(const LocalCluster &) = delete;

    // The default server binaries: PGFERRY_PG_BINDIR, or the newest /usr/lib/postgresql/*/bin.
    static QString binDir();
    // This cluster's server binaries (ClusterOptions::binDir, or binDir()).
    QString serverBinDir() const;
    // The server's version as PQserverVersion gives it (90610, 170004), read from `postgres --version`.
    int serverVersion() const;
    static bool runningAsRoot();

    bool isInitialised() const;
    // initdb with the options; throws std::runtime_error with a clear message on failure.
    void init();
    void start();
    void stop(bool immediate = false);
    void restart();
    // SIGKILL to the postmaster, as a crash would.
    void kill9();
    bool isRunning() const;
    // Appends postgresql.conf lines and reloads (or needs a restart for some settings).
    void configure(const QStringList &lines, bool restartServer = false);
    void writeHba(const QStringList &lines);

    int port() const { return m_options.port; }
    QString dir() const { return m_dir; }
    QString dataDir() const;
    QString logFile() const;
    QString socketDir() const { return m_dir; }
    QString password() const { return m_options.password; }
    QString superuser() const { return m_options.superuser; }
    // TCP connection to 127.0.0.1 as the superuser, password included.
    pg::ConnInfo connInfo(const QString &database = QStringLiteral("postgres")) const;

    // Runs SQL through psql (ON_ERROR_STOP) in `database`; throws with psql's error on failure.
    void psql(const QString &database, const QString &sql) const;
    void psqlFile(const QString &database, const QString &file) const;

    // Leaves the server running when this object is destroyed (the sandbox).
    void setKeepRunning(bool keep) { m_keepRunning = keep; }

    // Loads persisted settings (port, superuser, password) written by init() from dir/cluster.json.
    static std::optional<ClusterOptions> loadSettings(const QString &dir);

private:
    int runTool(const QString &tool, const QStringList &args, QString *output = nullptr,
                int timeoutMs = 120000, const QMap<QString, QString> &env = {},
                const QByteArray &stdinData = {}) const;
    void startWatchdog();
    void saveSettings() const;
    QString toolPath(const QString &tool) const;
    QString m_dir;
    ClusterOptions m_options;
    mutable int m_serverVersion = 0;
    bool m_keepRunning = false;
};

// A free TCP port on 127.0.0.1 (bound and released).
int freeLoopbackPort();

} // namespace pgferry::sandbox
