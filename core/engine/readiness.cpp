#include "engine/readiness.h"

#include "load/catalog.h"
#include "load/objects.h"
#include "pg/version.h"

#include <QHash>
#include <QWaitCondition>
#include <future>
#include <thread>

namespace pgferry::engine {

namespace {

using State = ReadinessCheck::State;

// A text[] literal of `values`, every element quoted.
QString textArray(const QStringList &values)
{
    QStringList quoted;
    quoted.reserve(values.size());
    for (QString v : values) {
        v.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        quoted << u'"' + v + u'"';
    }
    return u'{' + quoted.join(u',') + u'}';
}

QString keyText(const QStringList &key)
{
    return u'(' + key.join(QStringLiteral(", ")) + u')';
}

ReadinessCheck pendingCheck(const QString &name, const QString &summary)
{
    ReadinessCheck c;
    c.check = name;
    c.state = State::Pending;
    c.summary = summary;
    return c;
}

} // namespace

ReadinessProbe::ReadinessProbe(Config config, const std::atomic_bool *stop)
    : m_config(std::move(config)), m_stop(stop),
      m_sequences(pendingCheck(QStringLiteral("sequences"), QStringLiteral("not checked yet"))),
      m_sessions(pendingCheck(QStringLiteral("sessions"), QStringLiteral("not checked yet"))),
      m_sample(pendingCheck(QStringLiteral("sample"), QStringLiteral("no rows compared yet")))
{}

ReadinessProbe::~ReadinessProbe() = default;

pg::Connection ReadinessProbe::open(const pg::ConnInfo &info)
{
    using namespace std::chrono_literals;
    pg::Connection c = pg::Connection::open(info, {.timeout = 10s, .cancel = m_stop});
    // A query is not cancelled by the flag (a cancel request to a server that does not answer
    // would wait for TCP): each gives up on its own after 10 s, and the session is dropped.
    c.setCancelFlag(nullptr);
    c.setStatementTimeout(10s);
    return c;
}

pg::Connection &ReadinessProbe::source()
{
    if (!m_source)
        m_source.emplace(open(m_config.source));
    return *m_source;
}

pg::Connection &ReadinessProbe::target()
{
    if (!m_target)
        m_target.emplace(open(m_config.target));
    return *m_target;
}

QList<ReadinessCheck> ReadinessProbe::checks() const
{
    return {m_sequences, m_sessions, m_sample};
}

void ReadinessProbe::poll(const StreamStats &s, bool caughtUp)
{
    // A probe that cannot reach a server says so in its check and tries again on its next turn,
    // over a new connection; the stream itself reports lost connections.
    const auto guarded = [this](ReadinessCheck &check, const auto &step) {
        try {
            step();
        } catch (const pg::Exception &e) {
            m_source.reset();
            m_target.reset();
            m_pending.reset();
            m_prepared = false;
            check.state = State::Pending;
            check.summary = QStringLiteral("could not check (trying again): ") + e.error().toString();
        }
    };
    if (!m_sinceSequences.isValid() || m_sinceSequences.elapsed() >= m_config.sequencesIntervalMs) {
        m_sinceSequences.restart();
        guarded(m_sequences, [this] { checkSequences(); });
    }
    if (!m_sinceSessions.isValid() || m_sinceSessions.elapsed() >= m_config.sessionsIntervalMs) {
        m_sinceSessions.restart();
        guarded(m_sessions, [this] { checkSessions(); });
    }
    if (m_pending) {
        // Everything the source had written when the rows were read is applied on the target:
        // a later commit was applied, or the stream is idle past that point.
        const bool applied =
            s.applied >= m_pending->lsn ||
            (s.sentPtr >= m_pending->lsn && !s.inTransaction && s.pending() == 0 && s.applied >= s.durable);
        if (applied)
            guarded(m_sample, [this] { finishSample(); });
        else if (m_sinceSample.elapsed() >= 120000)
            m_pending.reset(); // the target did not catch up: another sample later
        return;
    }
    if (caughtUp && (!m_sinceSample.isValid() || m_sinceSample.elapsed() >= m_config.sampleIntervalMs)) {
        m_sinceSample.restart();
        guarded(m_sample, [this] { startSample(); });
    }
}

void ReadinessProbe::checkSequences()
{
    pg::Connection &c = source();
    const QStringList unreadable = load::unreadableSequences(c);
    m_sequences.details = unreadable;
    m_sequences.statements.clear();
    if (unreadable.isEmpty()) {
        m_sequences.state = State::Ok;
        m_sequences.summary = QStringLiteral("every sequence is readable on the source");
        return;
    }
    const QString role = c.exec(QStringLiteral("SELECT current_user")).text(0, 0);
    m_sequences.state = State::Blocking;
    m_sequences.summary =
        QStringLiteral("sequences %2 may not read on the source: %1 (the cutover could not carry their "
                       "values; grant SELECT on them)")
            .arg(unreadable.size())
            .arg(role);
    m_sequences.statements << QStringLiteral("GRANT SELECT ON SEQUENCE %1 TO %2;")
                                  .arg(unreadable.join(QStringLiteral(", ")), c.quoteIdent(role));
}

void ReadinessProbe::checkSessions()
{
    pg::Connection &c = source();
    // Before 10 pg_stat_activity shows client backends only, and has no backend_type.
    QString sql = QStringLiteral(
        "SELECT pid, coalesce(usename::text, ''), coalesce(application_name, ''), "
        "coalesce(host(client_addr), 'local'), "
        "coalesce(state, ''), left(coalesce(query, ''), 300), coalesce(extract(epoch FROM now() - "
        "xact_start), -1) "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND coalesce(application_name, '') NOT LIKE 'pgferry%' AND coalesce(application_name, '') <> $1");
    if (c.serverVersion() >= 100000)
        sql += QStringLiteral(" AND backend_type = 'client backend'");
    sql += QStringLiteral(" ORDER BY xact_start NULLS LAST, pid");
    pg::Result r = c.exec(sql, {m_config.ownApplication});
    m_sessions.details.clear();
    m_sessions.statements.clear();
    for (int i = 0; i < r.rows(); ++i) {
        const QString app = r.text(i, 2);
        QString line = QStringLiteral("pid %1: %2@%3").arg(r.text(i, 0), r.text(i, 1), r.text(i, 3));
        if (!app.isEmpty())
            line += QStringLiteral(" (%1)").arg(app);
        line += u' ' + (r.text(i, 4).isEmpty() ? QStringLiteral("state unknown") : r.text(i, 4));
        const double inTransaction = r.toDouble(i, 6);
        if (inTransaction >= 0)
            line += QStringLiteral(", in a transaction for %1 s").arg(qint64(inTransaction));
        const QString query = r.text(i, 5).simplified();
        if (!query.isEmpty())
            line += QStringLiteral(": ") + query;
        m_sessions.details << line;
        m_sessions.statements << QStringLiteral("SELECT pg_terminate_backend(%1);").arg(r.text(i, 0));
    }
    // Open sessions do not block: the cutover makes the database read-only and ends them. They say
    // which applications are still connected to the old server.
    m_sessions.state = r.rows() == 0 ? State::Ok : State::Info;
    m_sessions.summary =
        r.rows() == 0 ? QStringLiteral("no other sessions on the source database")
                      : QStringLiteral("open sessions on the source database: %1 (the cutover ends them)")
                            .arg(r.rows());
}

void ReadinessProbe::loadTables()
{
    pg::Connection &c = source();
    QList<KeyedTable> tables;
    for (const load::SourceTable &t : load::readTables(c, m_config.selection)) {
        if (!t.hasPrimaryKey || t.unlogged)
            continue; // rows without a key cannot be found again; unlogged tables are not streamed
        KeyedTable k;
        k.schema = t.schema;
        k.name = t.name;
        k.rowsEstimated = t.rowsEstimated;
        k.columns = cutover::tableRef(t).columns;
        pg::Result r = c.exec(
            QStringLiteral("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i "
                           "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
                           "WHERE i.indrelid = $1::oid AND i.indisprimary "
                           "ORDER BY array_position(i.indkey::int2[], a.attnum)"),
            {QString::number(t.oid)});
        for (int i = 0; i < r.rows(); ++i) {
            k.keyColumns << r.text(i, 0);
            k.keyTypes << r.text(i, 1);
        }
        if (!k.keyColumns.isEmpty())
            tables << k;
    }
    m_tables = tables;
}

QString ReadinessProbe::keyJoin(const pg::Connection &c, const KeyedTable &t, int firstParam) const
{
    QStringList args, names, on;
    for (int i = 0; i < t.keyColumns.size(); ++i) {
        args << QStringLiteral("$%1::text[]").arg(firstParam + i);
        names << QStringLiteral("k%1").arg(i);
        on << QStringLiteral("t.%1 = k.k%2::%3").arg(c.quoteIdent(t.keyColumns[i])).arg(i).arg(t.keyTypes[i]);
    }
    return QStringLiteral(" JOIN unnest(%1) AS k(%2) ON %3")
        .arg(args.join(QStringLiteral(", ")), names.join(QStringLiteral(", ")),
             on.join(QStringLiteral(" AND ")));
}

// The rows of `t` with these keys (one list of key texts per row).
QList<ReadinessProbe::SampledRow> ReadinessProbe::readKeys(pg::Connection &c, const KeyedTable &t,
                                                           const QList<QStringList> &keys, bool withXmin)
{
    QList<SampledRow> out;
    if (keys.isEmpty())
        return out;
    pg::Params params;
    for (int i = 0; i < t.keyColumns.size(); ++i) {
        QStringList column;
        for (const QStringList &key : keys)
            column << key.value(i);
        params.emplace_back(textArray(column));
    }
    return rowsOf(c.exec(QStringLiteral("SELECT %1 FROM ONLY %2 t")
                                 .arg(selectList(c, t, withXmin), c.qualified(t.schema, t.name)) +
                             keyJoin(c, t, 1),
                         params),
                  int(t.keyColumns.size()));
}

QString ReadinessProbe::selectList(const pg::Connection &c, const KeyedTable &t, bool withXmin)
{
    const cutover::RowHash method = cutover::rowHashFor(source().serverVersion(), target().serverVersion());
    QStringList select;
    for (const QString &k : t.keyColumns)
        select << QStringLiteral("t.%1::text").arg(c.quoteIdent(k));
    select << (withXmin ? QStringLiteral("t.xmin::text") : QStringLiteral("NULL"))
           << QStringLiteral("(%1)::text").arg(cutover::rowHashExpr(c, t.columns, method));
    return select.join(QStringLiteral(", "));
}

QList<ReadinessProbe::SampledRow> ReadinessProbe::rowsOf(const pg::Result &r, int keys)
{
    QList<SampledRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        SampledRow row;
        for (int k = 0; k < keys; ++k)
            row.key << r.text(i, k);
        row.xmin = r.text(i, keys);
        row.hash = r.text(i, keys + 1);
        out << row;
    }
    return out;
}

void ReadinessProbe::startSample()
{
    pg::Connection &src = source();
    pg::Connection &tgt = target();
    if (!m_prepared) {
        cutover::prepareSession(src, tgt.serverVersion());
        cutover::prepareSession(tgt, src.serverVersion());
        m_prepared = true;
    }
    // The tables are read again after each round, so a table created while streaming joins.
    if (!m_tables || m_next >= m_tables->size()) {
        loadTables();
        m_next = 0;
    }
    if (m_tables->isEmpty()) {
        m_sample.state = State::Info;
        m_sample.summary =
            QStringLiteral("no table with a primary key to sample; the cutover verifies every table");
        return;
    }
    const int index = m_next++;
    const KeyedTable &t = m_tables->at(index);
    // A small table is sampled whole at random; a big one by whole pages (TABLESAMPLE SYSTEM reads
    // only the pages it picks), about three times the rows wanted, then cut.
    const qint64 n = m_config.sampleRows;
    QString from = QStringLiteral(" FROM ONLY %1 AS t").arg(src.qualified(t.schema, t.name));
    if (t.rowsEstimated > 20 * n)
        from += QStringLiteral(" TABLESAMPLE SYSTEM (%1)")
                    .arg(std::clamp(300.0 * double(n) / double(t.rowsEstimated), 0.0001, 100.0), 0, 'f', 4);
    else
        from += QStringLiteral(" ORDER BY random()");
    Pending p;
    p.table = index;
    p.rows = rowsOf(src.exec(QStringLiteral("SELECT %1").arg(selectList(src, t, true)) + from +
                             QStringLiteral(" LIMIT %1").arg(n)),
                    int(t.keyColumns.size()));
    QSet<QString> seen;
    for (const SampledRow &row : std::as_const(p.rows))
        seen.insert(row.key.join(QChar(0)));
    // Rows found different before are read again with every sample of their table.
    QList<QStringList> again;
    for (const Difference &d : std::as_const(m_differences))
        if (d.table == t.schema + u'.' + t.name && !seen.contains(d.key.join(QChar(0))))
            again << d.key;
    p.rows += readKeys(src, t, again, true);
    p.lsn = pg::parseLsn(src.exec(pg::currentWalInsertLsnSql(src.serverVersion())).text(0, 0));
    m_pending = p;
}

void ReadinessProbe::finishSample()
{
    const Pending p = *m_pending;
    m_pending.reset();
    const KeyedTable &t = m_tables->at(p.table);
    const QString tableName = t.schema + u'.' + t.name;
    QList<QStringList> keys;
    for (const SampledRow &row : p.rows)
        keys << row.key;
    QHash<QString, QString> onTarget;
    for (const SampledRow &row : readKeys(target(), t, keys, false))
        onTarget.insert(row.key.join(QChar(0)), row.hash);
    QList<QStringList> suspects;
    for (const SampledRow &row : p.rows) {
        const auto it = onTarget.constFind(row.key.join(QChar(0)));
        if (it == onTarget.cend() || *it != row.hash)
            suspects << row.key;
    }
    QHash<QString, SampledRow> again;
    for (const SampledRow &row : readKeys(source(), t, suspects, true))
        again.insert(row.key.join(QChar(0)), row);

    // This sample judges its rows afresh: earlier differences among them are replaced. A row is
    // reported when two samples in a row find it different, unchanged on the source all along:
    // a source commit can reach the target a moment before the source's own sessions see it.
    QHash<QString, QString> before; // key → the source xmin an earlier sample found it different at
    for (const Difference &d : std::as_const(m_differences))
        if (d.table == tableName)
            before.insert(d.key.join(QChar(0)), d.xmin);
    QSet<QString> judged;
    for (const SampledRow &row : p.rows)
        judged.insert(row.key.join(QChar(0)));
    m_differences.removeIf(
        [&](const Difference &d) { return d.table == tableName && judged.contains(d.key.join(QChar(0))); });
    for (const SampledRow &row : p.rows) {
        const QString k = row.key.join(QChar(0));
        if (!suspects.contains(row.key))
            continue;
        const auto still = again.constFind(k);
        if (still == again.cend() || still->xmin != row.xmin || still->hash != row.hash)
            continue; // written on the source meanwhile: proves nothing
        const auto earlier = before.constFind(k);
        m_differences << Difference{tableName, row.key,
                                    onTarget.contains(k) ? QStringLiteral("differs on the target")
                                                         : QStringLiteral("missing on the target"),
                                    row.xmin, earlier != before.cend() && *earlier == row.xmin};
    }
    m_rowsCompared += p.rows.size();
    m_tablesSampled.insert(tableName);

    m_sample.details.clear();
    m_sample.statements.clear();
    const auto confirmed = std::count_if(m_differences.cbegin(), m_differences.cend(),
                                         [](const Difference &d) { return d.confirmed; });
    if (confirmed == 0) {
        m_sample.state = State::Ok;
        m_sample.summary = QStringLiteral("%1 sampled rows of %2 tables compared: identical")
                               .arg(m_rowsCompared)
                               .arg(m_tablesSampled.size());
        return;
    }
    QSet<QString> tables;
    for (const Difference &d : std::as_const(m_differences)) {
        if (!d.confirmed)
            continue;
        tables.insert(d.table);
        if (m_sample.details.size() < 20)
            m_sample.details << QStringLiteral("%1 key %2: %3").arg(d.table, keyText(d.key), d.why);
    }
    m_sample.state = State::Blocking;
    QStringList names(tables.cbegin(), tables.cend());
    names.sort();
    m_sample.summary =
        QStringLiteral("sampled rows differ between source and target: %1 in %2 (rows nobody wrote "
                       "meanwhile); copy the tables again with `pgferry-cli resync`")
            .arg(confirmed)
            .arg(names.join(QStringLiteral(", ")));
}

} // namespace pgferry::engine

namespace pgferry::engine {

void CatchUpEstimate::add(double seconds, pg::Lsn applied, pg::Lsn serverWal, qint64 changes)
{
    m_samples.append({seconds, applied, serverWal, changes});
    while (m_samples.size() > 2 && seconds - m_samples.first().seconds > m_windowSeconds)
        m_samples.removeFirst();
}

double CatchUpEstimate::span() const
{
    return m_samples.size() < 2 ? 0 : m_samples.last().seconds - m_samples.first().seconds;
}

double CatchUpEstimate::changesPerSecond() const
{
    const double dt = span();
    return dt < 1 ? 0 : std::max(0.0, double(m_samples.last().changes - m_samples.first().changes) / dt);
}

double CatchUpEstimate::etaSeconds(qint64 backlogBytes) const
{
    if (backlogBytes <= 0)
        return 0;
    const double dt = span();
    if (dt < 2)
        return -1;
    const Sample &a = m_samples.first(), &b = m_samples.last();
    // Applied commits advance in jumps and the source keeps writing: the backlog shrinks at the
    // difference of the two rates, over the window.
    const double applying = b.applied > a.applied ? double(b.applied - a.applied) / dt : 0;
    const double writing = b.serverWal > a.serverWal ? double(b.serverWal - a.serverWal) / dt : 0;
    if (applying <= writing)
        return -1;
    return double(backlogBytes) / (applying - writing);
}

} // namespace pgferry::engine

namespace pgferry::engine {

struct BackgroundReadiness::Shared
{
    explicit Shared(ReadinessProbe::Config config) : probe(std::move(config), &stop) {}
    std::atomic_bool stop = false;
    ReadinessProbe probe; // the worker's own
    mutable QMutex mutex;
    QWaitCondition posted;
    StreamStats stats;
    bool caughtUp = false;
    bool fresh = false;
    QList<ReadinessCheck> checks;
    std::future<void> done;
};

BackgroundReadiness::BackgroundReadiness(ReadinessProbe::Config config)
    : m_shared(std::make_shared<Shared>(std::move(config)))
{
    m_shared->checks = m_shared->probe.checks();
    std::packaged_task<void()> work([shared = m_shared] {
        while (!shared->stop) {
            StreamStats s;
            bool caughtUp = false;
            {
                QMutexLocker l(&shared->mutex);
                if (!shared->fresh)
                    shared->posted.wait(&shared->mutex, 250);
                if (!shared->fresh || shared->stop)
                    continue;
                shared->fresh = false;
                s = shared->stats;
                caughtUp = shared->caughtUp;
            }
            shared->probe.poll(s, caughtUp);
            QMutexLocker l(&shared->mutex);
            shared->checks = shared->probe.checks();
        }
    });
    m_shared->done = work.get_future();
    std::thread(std::move(work)).detach();
}

BackgroundReadiness::~BackgroundReadiness()
{
    m_shared->stop = true;
    m_shared->posted.wakeAll();
    // Within a query the worker finishes it first (10 s at most); it holds its own share of the
    // state, so it may outlive this object.
    m_shared->done.wait_for(std::chrono::seconds(12));
}

void BackgroundReadiness::post(const StreamStats &s, bool caughtUp)
{
    QMutexLocker l(&m_shared->mutex);
    m_shared->stats = s;
    m_shared->caughtUp = caughtUp;
    m_shared->fresh = true;
    m_shared->posted.wakeAll();
}

QList<ReadinessCheck> BackgroundReadiness::checks() const
{
    QMutexLocker l(&m_shared->mutex);
    return m_shared->checks;
}

} // namespace pgferry::engine
