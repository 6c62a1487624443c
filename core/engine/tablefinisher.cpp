#include "engine/tablefinisher.h"

#include "pg/connection.h"

#include <QElapsedTimer>
#include <algorithm>
#include <stdexcept>

namespace pgferry::engine {

using namespace std::chrono_literals;

TableFinisher::TableFinisher(TableFinisherConfig config) : m_config(std::move(config)) {}

TableFinisher::~TableFinisher()
{
    {
        std::lock_guard l(m_mutex);
        m_noMoreTables = true;
        if (!m_failure)
            m_failure = std::make_exception_ptr(std::runtime_error("abandoned"));
    }
    m_wake.notify_all();
    for (std::thread &t : m_threads)
        if (t.joinable())
            t.join();
}

void TableFinisher::start(pg::Connection &source)
{
    // INDEX entries name the index (pg_class), CONSTRAINT entries the constraint (pg_constraint):
    // the source's catalog says on which table each one is. Only plain tables that this load
    // copies qualify; foreign keys and triggers are not post-load entries at all.
    QStringList indexOids, constraintOids;
    const QList<schema::TocEntry> entries = m_config.migrator->postLoadEntries();
    for (const schema::TocEntry &e : entries) {
        if (e.desc == u"INDEX" && e.catalogOid == 1259)
            indexOids << QString::number(e.objectOid);
        else if (e.desc == u"CONSTRAINT" && e.catalogOid == 2606)
            constraintOids << QString::number(e.objectOid);
    }
    QHash<quint32, int> tableByOid;
    for (int i = 0; i < m_config.tables.size(); ++i)
        tableByOid.insert(m_config.tables[i].oid, i);
    QHash<quint32, int> indexTable, constraintTable; // object oid -> table index
    if (!indexOids.isEmpty() || !constraintOids.isEmpty()) {
        pg::Result r = source.exec(
            QStringLiteral(
                "SELECT 1259, i.indexrelid, i.indrelid FROM pg_index i WHERE i.indexrelid = ANY($1::oid[]) "
                "UNION ALL "
                "SELECT 2606, c.oid, c.conrelid FROM pg_constraint c WHERE c.oid = ANY($2::oid[]) "
                "AND c.contype IN ('p', 'u', 'x') AND c.conrelid <> 0"),
            {QString(u'{' + indexOids.join(u',') + u'}'), QString(u'{' + constraintOids.join(u',') + u'}')});
        for (int i = 0; i < r.rows(); ++i) {
            const int t = tableByOid.value(quint32(r.toInt(i, 2)), -1);
            if (t < 0)
                continue;
            (r.toInt(i, 0) == 1259 ? indexTable : constraintTable).insert(quint32(r.toInt(i, 1)), t);
        }
    }
    for (const schema::TocEntry &e : entries) {
        int t = -1;
        if (e.desc == u"INDEX" && e.catalogOid == 1259)
            t = indexTable.value(e.objectOid, -1);
        else if (e.desc == u"CONSTRAINT" && e.catalogOid == 2606)
            t = constraintTable.value(e.objectOid, -1);
        if (t >= 0)
            m_entriesByTable[t].append(e);
    }
    const int workers = std::max(1, m_config.indexJobs);
    m_indexWorkersRunning = workers;
    for (int i = 0; i < workers; ++i)
        m_threads.emplace_back([this] { indexWorker(); });
    if (m_config.verify)
        for (int i = 0; i < workers; ++i)
            m_threads.emplace_back([this] { verifyWorker(); });
}

void TableFinisher::tableLoaded(int table, std::optional<CopyCount> counted)
{
    {
        std::lock_guard l(m_mutex);
        m_toIndex.push_back(table);
        if (counted && m_config.verify == project::VerifyLevel::Count)
            m_copyCounts.insert(table, *counted);
        else if (m_config.verify)
            m_toSum.push_back(table);
    }
    m_wake.notify_all();
}

void TableFinisher::fail(std::exception_ptr e)
{
    {
        std::lock_guard l(m_mutex);
        if (!m_failure)
            m_failure = e;
    }
    m_wake.notify_all();
}

void TableFinisher::buildOnce()
{
    // The others wait until the journal notes it: a build must never precede that note.
    std::lock_guard l(m_buildOnceMutex);
    if (m_builtOnce)
        return;
    m_builtOnce = true;
    if (m_config.beforeFirstBuild)
        m_config.beforeFirstBuild();
}

void TableFinisher::indexWorker()
{
    try {
        std::optional<pg::Connection> target;
        while (true) {
            std::vector<int> batch;
            {
                std::unique_lock l(m_mutex);
                while (m_toIndex.empty() && !m_noMoreTables && !m_failure && !stopped())
                    m_wake.wait_for(l, 200ms);
                if (m_failure || stopped() || m_toIndex.empty())
                    break;
                // A big table gets a worker of its own; small tables that are ready together share
                // one pg_restore (one process start for many tables).
                constexpr qint64 kOwnWorkerBytes = 16LL * 1024 * 1024;
                do {
                    batch.push_back(m_toIndex.front());
                    m_toIndex.pop_front();
                } while (!m_toIndex.empty() && m_config.tables[batch.front()].bytes < kOwnWorkerBytes &&
                         m_config.tables[m_toIndex.front()].bytes < kOwnWorkerBytes);
            }
            QList<schema::TocEntry> entries;
            for (int t : batch)
                entries += m_entriesByTable.value(t);
            if (!entries.isEmpty()) {
                std::sort(
                    entries.begin(), entries.end(),
                    [](const schema::TocEntry &a, const schema::TocEntry &b) { return a.dumpId < b.dumpId; });
                buildOnce();
                for (int t : batch)
                    if (m_config.setState)
                        m_config.setState(t, TableState::Indexing);
                QElapsedTimer timer;
                timer.start();
                m_config.migrator->restorePostLoadEntries(entries, std::max(1, m_config.indexJobs),
                                                          m_config.tolerateExisting,
                                                          QStringLiteral("post-load-%1.list").arg(++m_batch));
                m_indexMs += timer.elapsed();
                std::lock_guard l(m_mutex);
                for (const schema::TocEntry &e : entries)
                    m_restored.insert(e.dumpId);
            }
            // Verification reads the table while ANALYZE samples it: the two do not block each other.
            if (m_config.verify) {
                {
                    std::lock_guard l(m_mutex);
                    m_toVerify.insert(m_toVerify.end(), batch.begin(), batch.end());
                }
                m_wake.notify_all();
            }
            QElapsedTimer timer;
            timer.start();
            if (!target) {
                target.emplace(
                    pg::Connection::open(m_config.target, {.timeout = 15s, .cancel = m_config.stop}));
                target->setCancelFlag(m_config.stop);
            }
            for (int t : batch) {
                const load::SourceTable &st = m_config.tables[t];
                target->exec(QStringLiteral("ANALYZE ") + target->qualified(st.schema, st.name));
                std::lock_guard l(m_mutex);
                m_analyzed.insert(t);
            }
            m_analyzeMs += timer.elapsed();
            if (!m_config.verify && m_config.setState)
                for (int t : batch)
                    m_config.setState(t, TableState::Done);
        }
    } catch (...) {
        fail(std::current_exception());
    }
    {
        std::lock_guard l(m_mutex);
        if (--m_indexWorkersRunning == 0)
            m_indexingDone = true;
    }
    m_wake.notify_all();
}

void TableFinisher::verifyWorker()
{
    // Each table's source side is summed as soon as the table is loaded (it only reads the source,
    // so it overlaps the target's index builds), its target side once the indexes are built. That
    // takes the source's half out of the tail of the run, when the last table is the only work left.
    // A failure here is not the load's: what is not verified now is verified at the end.
    int mine = -1; // a source sum this worker is computing
    try {
        std::optional<pg::Connection> source, target;
        while (true) {
            int t = -1;
            bool sourceOnly = false;
            std::optional<CopyCount> counted;
            {
                std::unique_lock l(m_mutex);
                while (m_toVerify.empty() && m_toSum.empty() && !m_indexingDone && !m_failure && !stopped())
                    m_wake.wait_for(l, 200ms);
                if (m_failure || stopped() || (m_toVerify.empty() && (m_indexingDone || m_toSum.empty())))
                    break;
                if (!m_toVerify.empty()) {
                    t = m_toVerify.front();
                    m_toVerify.pop_front();
                    if (m_copyCounts.contains(t))
                        counted = m_copyCounts.value(t);
                } else {
                    t = m_toSum.front();
                    m_toSum.pop_front();
                    if (m_sourceSums.contains(t) || m_summing.contains(t))
                        continue;
                    m_summing.insert(t);
                    mine = t;
                    sourceOnly = true;
                }
            }
            const load::SourceTable &st = m_config.tables[t];
            if (counted) {
                // Both counts are the servers' own, from the COPY that filled the table: the
                // same numbers count(*) would give on each side, without reading either again.
                cutover::TableVerification v;
                v.schema = st.schema;
                v.name = st.name;
                v.source.rows = counted->sent;
                v.target.rows = counted->stored;
                recordVerified(t, v);
                continue;
            }
            if (!source) {
                source.emplace(
                    pg::Connection::open(m_config.source, {.timeout = 15s, .cancel = m_config.stop}));
                source->setCancelFlag(m_config.stop);
                target.emplace(
                    pg::Connection::open(m_config.target, {.timeout = 15s, .cancel = m_config.stop}));
                target->setCancelFlag(m_config.stop);
                cutover::prepareSession(*source, target->serverVersion());
                cutover::prepareSession(*target, source->serverVersion());
            }
            const cutover::TableRef ref = cutover::tableRef(st);
            const cutover::RowHash method =
                cutover::rowHashFor(source->serverVersion(), target->serverVersion());
            // One side's checksum; an error that leaves the connection usable is the table's result.
            auto checksum = [&](pg::Connection &c, cutover::TableChecksum &out, QString &error) {
                try {
                    out =
                        cutover::tableChecksum(c, st.schema, st.name, ref.columns, method, *m_config.verify);
                } catch (const pg::Exception &e) {
                    if (e.error().breaksConnection())
                        throw;
                    error = e.error().toString();
                }
            };
            QElapsedTimer timer;
            timer.start();
            if (sourceOnly) {
                SourceSum sum;
                checksum(*source, sum.checksum, sum.error);
                m_verifyMs += timer.elapsed();
                std::lock_guard l(m_mutex);
                m_sourceSums.insert(t, sum);
                m_summing.remove(t);
                mine = -1;
                m_wake.notify_all();
                continue;
            }

            // The target side; the source's from before, or wait for the worker summing it now, or
            // both at once here when nobody summed it yet.
            std::optional<SourceSum> sum;
            {
                std::lock_guard l(m_mutex);
                if (m_sourceSums.contains(t))
                    sum = m_sourceSums.value(t);
                else if (!m_summing.contains(t))
                    m_summing.insert(t), mine = t; // nobody will sum it now: it is ours
            }
            cutover::TableVerification v;
            if (!sum && mine == t) {
                v = cutover::verifyTable(*source, *target, ref, *m_config.verify);
                std::lock_guard l(m_mutex);
                m_summing.remove(t);
                mine = -1;
            } else {
                v.schema = st.schema;
                v.name = st.name;
                checksum(*target, v.target, v.error);
                if (!sum) {
                    std::unique_lock l(m_mutex);
                    while (!m_sourceSums.contains(t) && m_summing.contains(t) && !stopped())
                        m_wake.wait_for(l, 200ms);
                    if (m_sourceSums.contains(t))
                        sum = m_sourceSums.value(t);
                }
                if (!sum) { // the worker summing it stopped: sum it here
                    sum.emplace();
                    checksum(*source, sum->checksum, sum->error);
                }
                v.source = sum->checksum;
                if (v.error.isEmpty())
                    v.error = sum->error;
            }
            m_verifyMs += timer.elapsed();
            recordVerified(t, v);
        }
    } catch (const pg::Exception &e) {
        if (m_config.log && !stopped())
            m_config.log(QStringLiteral(
                             "verifying tables during the load stopped (%1); the rest is verified at the end")
                             .arg(e.error().toString()));
    } catch (const std::exception &e) {
        if (m_config.log && !stopped())
            m_config.log(QStringLiteral(
                             "verifying tables during the load stopped (%1); the rest is verified at the end")
                             .arg(QString::fromUtf8(e.what())));
    }
    // A sum this worker left unfinished: whoever waits for it does it.
    std::lock_guard l(m_mutex);
    if (mine >= 0)
        m_summing.remove(mine);
    m_wake.notify_all();
}

void TableFinisher::recordVerified(int table, const cutover::TableVerification &v)
{
    {
        std::lock_guard l(m_mutex);
        m_verified.insert(table, v);
    }
    if (m_config.setState)
        m_config.setState(table, TableState::Done);
}

void TableFinisher::finish()
{
    {
        std::lock_guard l(m_mutex);
        m_noMoreTables = true;
    }
    m_wake.notify_all();
    for (std::thread &t : m_threads)
        if (t.joinable())
            t.join();
    {
        std::lock_guard l(m_mutex);
        if (m_failure)
            std::rethrow_exception(m_failure);
    }
    if (stopped())
        return;
    if (m_config.log && !m_copyCounts.isEmpty())
        m_config.log(
            QStringLiteral("row counts of %1 tables loaded whole by one COPY are the two servers' counts of "
                           "that COPY (sent and stored), without reading the tables again")
                .arg(m_copyCounts.size()));

    // What no single loaded table owns, and tables that were not reported (a resumed run).
    QList<schema::TocEntry> rest;
    for (const schema::TocEntry &e : m_config.migrator->postLoadEntries())
        if (!m_restored.contains(e.dumpId))
            rest << e;
    buildOnce();
    if (!rest.isEmpty()) {
        QElapsedTimer timer;
        timer.start();
        m_config.migrator->restorePostLoadEntries(rest, std::max(1, m_config.indexJobs),
                                                  m_config.tolerateExisting,
                                                  QStringLiteral("post-load.list"));
        m_indexMs += timer.elapsed();
    }

    QElapsedTimer timer;
    timer.start();
    pg::Connection target = pg::Connection::open(m_config.target, {.timeout = 15s, .cancel = m_config.stop});
    target.setCancelFlag(m_config.stop);
    if (m_analyzed.isEmpty()) {
        target.exec(QStringLiteral("ANALYZE"));
    } else {
        for (int t = 0; t < m_config.tables.size(); ++t)
            if (!m_analyzed.contains(t))
                target.exec(QStringLiteral("ANALYZE ") +
                            target.qualified(m_config.tables[t].schema, m_config.tables[t].name));
        // Partitioned tables hold no rows of their own, but the planner wants their statistics.
        pg::Result parents = target.exec(QStringLiteral(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'p' AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_pgferry') "
            "AND n.nspname !~ '^pg_'"));
        for (int i = 0; i < parents.rows(); ++i)
            target.exec(QStringLiteral("ANALYZE ") +
                        target.qualified(parents.text(i, 0), parents.text(i, 1)));
    }
    m_analyzeMs += timer.elapsed();
}

QHash<int, cutover::TableVerification> TableFinisher::verified() const
{
    std::lock_guard l(m_mutex);
    return m_verified;
}

} // namespace pgferry::engine
