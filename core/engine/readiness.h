// The readiness verdict's own questions while a database streams (the stream loop adds "stream",
// "lag" and "schema"): are the sequences readable, which sessions are open on the source, and do
// sampled rows agree on both sides.
//
// The sample is taken without stopping anything. The rows are read on the source, then the
// source's WAL insert position L. Once the target has applied everything up to L, the same keys
// are read on the target. A row that differs is read once more on the source: if its xmin and hash
// are unchanged, nobody wrote it between the two source reads, and the target, read between them
// and past L, must hold the same row. Such a row is a real difference. A row written meanwhile
// proves nothing and is left for a later sample.
#pragma once

#include "cutover/verify.h"
#include "engine/changestream.h"
#include "engine/migrationstatus.h"
#include "pg/connection.h"
#include "project/project.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSet>
#include <atomic>
#include <memory>
#include <optional>

namespace pgferry::engine {

class ReadinessProbe
{
public:
    struct Config
    {
        pg::ConnInfo source; // the source database
        pg::ConnInfo target; // the target database
        project::DatabaseSelection selection;
        QString ownApplication; // pgferry's own sessions on the source carry it (and "pgferry…")
        int sampleRows = 100;
        int sampleIntervalMs = 20000;
        int sessionsIntervalMs = 5000;
        int sequencesIntervalMs = 30000;
    };
    // `stop` ends a connection attempt at once; queries give up after 10 s of their own.
    ReadinessProbe(Config config, const std::atomic_bool *stop);
    ~ReadinessProbe();

    // Called by the stream loop a few times a second; does nothing between its intervals. The
    // sample is only taken while `caughtUp` (the other checks pass): a lagging target differs anyway.
    void poll(const StreamStats &s, bool caughtUp);
    // "sequences", "sessions", "sample", in that order.
    QList<ReadinessCheck> checks() const;

private:
    struct KeyedTable
    {
        QString schema;
        QString name;
        QStringList keyColumns; // the primary key's columns, in key order
        QStringList keyTypes;   // format_type of each
        QList<cutover::VerifyColumn> columns;
        qint64 rowsEstimated = 0;
    };
    struct SampledRow
    {
        QStringList key;
        QString xmin;
        QString hash;
    };
    struct Pending
    {
        int table = -1;
        QList<SampledRow> rows;
        pg::Lsn lsn = 0;
    };

    void checkSequences();
    void checkSessions();
    void startSample();
    void finishSample();
    void loadTables();
    pg::Connection &source();
    pg::Connection &target();
    QString keyJoin(const pg::Connection &c, const KeyedTable &t, int firstParam) const;
    // Each key column as text, then xmin (or NULL) and the row's hash, over the table as `t`.
    QString selectList(const pg::Connection &c, const KeyedTable &t, bool withXmin);
    static QList<SampledRow> rowsOf(const pg::Result &r, int keys);
    QList<SampledRow> readKeys(pg::Connection &c, const KeyedTable &t, const QList<QStringList> &keys,
                               bool withXmin);

    pg::Connection open(const pg::ConnInfo &info);
    Config m_config;
    const std::atomic_bool *m_stop = nullptr;
    std::optional<pg::Connection> m_source, m_target;
    std::optional<QList<KeyedTable>> m_tables;
    int m_next = 0;
    std::optional<Pending> m_pending;
    QElapsedTimer m_sinceSequences, m_sinceSessions, m_sinceSample;
    ReadinessCheck m_sequences, m_sessions, m_sample;
    qint64 m_rowsCompared = 0;
    QSet<QString> m_tablesSampled;
    struct Difference
    {
        QString table; // schema.name (the table list is read again each round)
        QStringList key;
        QString why;
        QString xmin;           // the source row's, when it was found different
        bool confirmed = false; // found different by two samples in a row
    };
    QList<Difference> m_differences; // each is read again with its table's next sample
    bool m_prepared = false;
};

// A ReadinessProbe on a thread of its own, so that a server that stops answering (a network
// black hole) never holds up the stream loop's status: the loop posts the stream's stats and reads
// the latest checks. Each probe query gives up after 10 s; at destruction the thread is asked to
// stop and waited for up to 12 s, then left to finish its query alone.
class BackgroundReadiness
{
public:
    explicit BackgroundReadiness(ReadinessProbe::Config config);
    ~BackgroundReadiness();
    BackgroundReadiness(const BackgroundReadiness &) = delete;
    BackgroundReadiness &operator=(const BackgroundReadiness &) = delete;

    void post(const StreamStats &s, bool caughtUp);
    QList<ReadinessCheck> checks() const;

private:
    struct Shared;
    std::shared_ptr<Shared> m_shared;
};

// The catch-up ETA and the apply rate of a streaming database, over a sliding window of samples
// of its stream: the time to drain the backlog is the backlog over the rate at which applying
// outruns the source's writing (unknown, -1, when it does not).
class CatchUpEstimate
{
public:
    explicit CatchUpEstimate(double windowSeconds = 15) : m_windowSeconds(windowSeconds) {}
    // `changes`: rows applied so far (inserts, updates, deletes), a running count.
    void add(double seconds, pg::Lsn applied, pg::Lsn serverWal, qint64 changes);
    double etaSeconds(qint64 backlogBytes) const;
    double changesPerSecond() const;

private:
    struct Sample
    {
        double seconds;
        pg::Lsn applied, serverWal;
        qint64 changes;
    };
    double span() const;
    double m_windowSeconds;
    QList<Sample> m_samples;
};

} // namespace pgferry::engine
