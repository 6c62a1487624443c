// Finishes each table of a full load as soon as all its load units are committed, while other
// tables still copy: builds its indexes and primary/unique/exclusion keys (pg_restore of just those
// entries of the post-data archive), ANALYZEs it and, offline, verifies it against the source.
// indexJobs workers do this side by side (a big table gets a worker of its own; small tables that
// are ready together share one pg_restore), and as many verify tables.
// Whatever cannot be tied to one loaded table (indexes of partitioned tables, index attachments,
// extended statistics, check constraints added later, ...) is left for finish(), which restores it
// together with anything not finished yet, in one parallel pg_restore, as before.
#pragma once

#include "cutover/verify.h"
#include "engine/migrationstatus.h"
#include "load/catalog.h"
#include "pg/conninfo.h"
#include "project/project.h"
#include "schema/schemamigrator.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace pgferry::engine {

struct TableFinisherConfig
{
    schema::SchemaMigrator *migrator = nullptr;
    pg::ConnInfo source; // the source database
    pg::ConnInfo target; // the target database
    QList<load::SourceTable> tables;
    int indexJobs = 2;
    bool tolerateExisting = false;              // a resumed run: indexes and keys may exist already
    std::optional<project::VerifyLevel> verify; // set: verify each finished table (offline only)
    const std::atomic_bool *stop = nullptr;
    std::function<void(const QString &)> log;
    std::function<void(int, TableState)> setState;
    // Called once, before the first index is built (the journal notes that post-load began).
    std::function<void()> beforeFirstBuild;
};

class TableFinisher
{
public:
    explicit TableFinisher(TableFinisherConfig config);
    ~TableFinisher();
    TableFinisher(const TableFinisher &) = delete;
    TableFinisher &operator=(const TableFinisher &) = delete;

    // Ties the post-load entries to the loaded tables (one catalog query on `source`, a session of
    // the source database) and starts the worker threads.
    void start(pg::Connection &source);
    // The two sides' counts of a table loaded whole by one COPY in this run: the rows the source's
    // COPY sent from the load's snapshot, and the rows the target's COPY stored, in the transaction
    // that emptied the table first. The table then holds exactly `stored` rows.
    struct CopyCount
    {
        qint64 sent = 0;
        qint64 stored = 0;
    };
    // All units of tables[table] are committed on the target. With a CopyCount, row-count
    // verification (VerifyLevel::Count) takes the counts from it instead of counting both sides.
    void tableLoaded(int table, std::optional<CopyCount> counted = std::nullopt);
    // No more tables come: waits for the workers, then restores every post-load entry not restored
    // yet and ANALYZEs what was not analyzed. Throws the first failure (std::runtime_error).
    void finish();
    // Tables verified while the load went on (offline), by table index.
    QHash<int, cutover::TableVerification> verified() const;
    // Time the workers spent, overlapped with the load, and the time finish() took.
    double indexSeconds() const { return m_indexMs / 1000.0; }
    double analyzeSeconds() const { return m_analyzeMs / 1000.0; }
    double verifySeconds() const { return m_verifyMs / 1000.0; }

private:
    void indexWorker();
    void verifyWorker();
    void recordVerified(int table, const cutover::TableVerification &v);
    void fail(std::exception_ptr e);
    void buildOnce();
    bool stopped() const { return m_config.stop && m_config.stop->load(); }

    TableFinisherConfig m_config;
    QHash<int, QList<schema::TocEntry>> m_entriesByTable;
    QSet<int> m_restored; // dump ids restored by the workers
    QSet<int> m_analyzed; // table indexes
    QHash<int, cutover::TableVerification> m_verified;
    bool m_builtOnce = false;
    std::mutex m_buildOnceMutex;
    std::atomic_int m_batch{0};

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<int> m_toIndex;
    std::deque<int> m_toVerify; // indexed: the target side can be summed
    std::deque<int> m_toSum;    // loaded: the source side can be summed
    struct SourceSum
    {
        cutover::TableChecksum checksum;
        QString error;
    };
    QHash<int, SourceSum> m_sourceSums;
    QHash<int, CopyCount> m_copyCounts; // count-only verification needs no query for these
    QSet<int> m_summing;                // source sums in progress
    bool m_noMoreTables = false;
    bool m_indexingDone = false;
    int m_indexWorkersRunning = 0;
    std::exception_ptr m_failure;
    std::vector<std::thread> m_threads;
    std::atomic<qint64> m_indexMs{0}, m_analyzeMs{0}, m_verifyMs{0};
};

} // namespace pgferry::engine
