// Shared pieces of the fault and security tests: a source database whose load lasts long enough to
// be interrupted (a large table split in ranges, many small tables, indexes, keys, triggers,
// sequences), a writer that keeps changing it and survives restarts, and a driver for
// `pgferry-cli` with its own state folder and passwords in the environment.
#pragma once

#include "pg/conninfo.h"
#include "project/project.h"
#include "testclusters.h"

#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace pgferry::test {

// Creates `db` on the cluster with the fault fixture: table big (bigRows rows of ~200 bytes,
// three indexes), fillerTables small tables, customers/orders with a foreign key, a trigger and
// an audit table, and sequences.
void createFaultFixture(TestCluster &cluster, const QString &db, int bigRows = 60000, int fillerTables = 60);

// Load units the target database has committed (0 while it, or the unit table, does not exist);
// with `table`, only that table's units.
qint64 unitsCommitted(const TestCluster &target, const QString &db, const QString &table = {});

// A writer with its own thread and connection: inserts, updates and deletes on big and orders,
// one transaction at a time. Lost connections are reopened (counted), never fatal.
class FaultWriter
{
public:
    FaultWriter(pg::ConnInfo database, quint32 seed);
    ~FaultWriter();
    void start();
    // Stops after the current transaction; returns committed transactions.
    qint64 stop();
    qint64 committed() const { return m_committed.load(); }
    qint64 reconnects() const { return m_reconnects.load(); }
    QString lastError() const;

private:
    void loop();
    pg::ConnInfo m_ci;
    QRandomGenerator m_rng;
    std::atomic_bool m_stop{false};
    std::atomic<qint64> m_committed{0};
    std::atomic<qint64> m_reconnects{0};
    std::thread m_thread;
    mutable std::mutex m_errorMutex;
    QString m_error;
};

// A project for one database between two servers, saved to a file, with `pgferry-cli` driven in
// a private state folder. Passwords reach the CLI only through its environment.
class CliRig
{
public:
    CliRig(const pg::ConnInfo &source, const pg::ConnInfo &target, const QString &db, project::Mode mode,
           const QString &targetDb = {});
    project::Project &project() { return m_project; }
    // Writes the project file (call after changing project()).
    void save();
    QString projectFile() const { return m_dir.path() + QStringLiteral("/fault.pgferry"); }
    QString stateDir() const; // <state base>/runs/<id>
    QString stateBase() const { return m_dir.path() + QStringLiteral("/state"); }
    QProcessEnvironment environment() const;
    void setExtraEnvironment(const QString &key, const QString &value) { m_extraEnv.insert(key, value); }

    // Starts `pgferry-cli ARGS` in the background (stdout and stderr kept apart).
    std::unique_ptr<QProcess> start(const QStringList &args) const;
    // Runs `pgferry-cli ARGS` to the end; returns its exit code (-1 when it crashed or timed out).
    int run(const QStringList &args, int timeoutMs, QString *out = nullptr, QString *err = nullptr) const;

    QJsonObject status() const;  // status.json, empty when missing
    QJsonObject journal() const; // journal.json, empty when missing
    // A journal step of the database.
    bool stepDone(const QString &step) const;
    QString journalValue(const QString &key) const;

    // `run --until done` in the background, waits until ready for cutover, asks for the cutover
    // and waits for the run to end. Returns an explanation when something went wrong, else empty.
    QString runOnlineToTheEnd(const std::function<void()> &whileStreaming = {}, int timeoutMs = 240000) const;

private:
    QTemporaryDir m_dir;
    project::Project m_project;
    QString m_sourcePassword, m_targetPassword;
    QMap<QString, QString> m_extraEnv;
    QString m_db;
};

// Sends SIGKILL to the process and waits for it.
void killHard(QProcess &p);

// Resets the read-only switch pgferry sets at cutover, so the comparison and writers can go on.
void makeWritable(TestCluster &cluster, const QString &db);

// compareDatabases() between source db and target tdb; empty when identical, else the differences.
QString differences(TestCluster &source, const QString &db, TestCluster &target, const QString &tdb);

} // namespace pgferry::test
