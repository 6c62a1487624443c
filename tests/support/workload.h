// Concurrent writers against a source database while pgferry loads and streams it: inserts, updates
// (partition-key moves, TOAST-unchanged updates, one-of-duplicates updates in a REPLICA IDENTITY FULL
// table), deletes, a periodic TRUNCATE, audit-trigger writes and nextval calls, for the traps and
// pagila fixtures. Each writer owns its thread and its connection; seeds are fixed; rates are bounded.
#pragma once

#include "pg/conninfo.h"

#include <QMap>
#include <QStringList>
#include <memory>

namespace pgferry::test {

struct WorkloadStats
{
    qint64 inserts = 0; // rows, as the server counts them (triggers' side effects not included)
    qint64 updates = 0;
    qint64 deletes = 0;
    qint64 truncates = 0;
    qint64 nextvals = 0;
    qint64 transactions = 0; // committed
    qint64 retries = 0;      // deadlocks and serialization failures, retried
    qint64 reconnects = 0;   // connections lost and reopened (only with Options::reconnect)
    // Committed transactions per operation that changed something, e.g. "measurement_move".
    QMap<QString, qint64> operations;
    // Every error, with the writer and the operation; empty when all went well. Never swallowed.
    QStringList errors;

    qint64 rowsChanged() const { return inserts + updates + deletes; }
    QString summary() const;
};

enum class WorkloadProfile {
    Traps,  // tests/fixtures/traps.sql
    Pagila, // tests/data/pagila: rental and payment
};

struct WorkloadOptions
{
    WorkloadProfile profile = WorkloadProfile::Traps;
    quint64 seed = 20240229;
    int transactionsPerSecond = 40; // per writer; 0: as fast as the server allows
    // When true, a lost connection (the server restarted, a proxy dropped it) is reopened with
    // backoff and counted in `reconnects`; when false it is reported as an error (and reopened).
    bool reconnect = false;
};

class Workload
{
public:
    using Profile = WorkloadProfile;
    using Options = WorkloadOptions;

    // `database` is the source database holding the profile's fixture.
    explicit Workload(pg::ConnInfo database, Options options = {});
    ~Workload(); // stops the writers
    Workload(const Workload &) = delete;
    Workload &operator=(const Workload &) = delete;

    // Starts `writers` threads, each with its own connection. Throws if already running or if a
    // connection cannot be opened.
    void start(int writers);
    // Stops every writer after its current transaction and returns the totals. Every transaction
    // counted was committed before stop() returned.
    WorkloadStats stop();
    // Totals so far, while running or after stop().
    WorkloadStats stats() const;
    bool isRunning() const;

    // The operation names a profile runs: every one runs within the first few dozen transactions of
    // each writer (a shuffled deck per round), so tests can wait until each has happened.
    static QStringList operationNames(Profile profile);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace pgferry::test
