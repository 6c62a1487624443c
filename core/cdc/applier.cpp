#include "cdc/applier.h"

#include "pg/textforms.h"

#include <QDateTime>
#include <QStringList>
#include <QThread>

namespace pgferry::cdc {

namespace {

using Clock = std::chrono::steady_clock;

pg::Param param(const Value &v)
{
    return v.kind == Value::Text ? pg::Param(v.text) : pg::Param();
}

// Microseconds since 2000-01-01 UTC as a timestamptz literal (a parameter value, not SQL).
QByteArray timestampText(qint64 pgMicros)
{
    const qint64 unixMicros = pgMicros + 946684800000000LL;
    qint64 secs = unixMicros / 1000000;
    qint64 micros = unixMicros % 1000000;
    if (micros < 0) {
        micros += 1000000;
        --secs;
    }
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
    return dt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toLatin1() + '.' +
           QByteArray::number(micros).rightJustified(6, '0') + "+00";
}

// A column index (at most 1600) in a statement signature: two bytes, no allocation.
void appendIndex(QByteArray &signature, int index)
{
    signature.append(char(index & 0xff)).append(char((index >> 8) & 0xff));
}

char firstChar(const QByteArray &b, char fallback)
{
    return b.isEmpty() ? fallback : b.at(0);
}

QString tableKey(const QString &schema, const QString &name)
{
    return schema + u'.' + name;
}

} // namespace

Applier::Applier(pg::Connection &target, const QString &originName, const ApplierOptions &options)
    : m_conn(target), m_origin(originName), m_options(options)
{}

Applier::~Applier() = default;

pg::Lsn Applier::originProgress(pg::Connection &conn, const QString &originName)
{
    // pg_replication_origin_progress() fails for a missing origin: look it up first.
    pg::Result r = conn.exec(QStringLiteral("SELECT pg_replication_origin_progress(roname, true)::text "
                                            "FROM pg_replication_origin WHERE roname = $1"),
                             {originName});
    if (r.rows() == 0 || r.isNull(0, 0))
        return 0;
    return pg::parseLsn(r.text(0, 0));
}

// Runs `sql` until the origin is no longer held by a session that is going away (55006).
static void retryWhileOriginBusy(pg::Connection &conn, const QString &sql, const QString &origin,
                                 std::chrono::milliseconds wait, const QString &context)
{
    const auto deadline = Clock::now() + wait;
    int delayMs = 20;
    while (true) {
        auto err = conn.tryExec(sql, {origin});
        if (!err)
            return;
        if (err->sqlstate != u"55006" || Clock::now() >= deadline) {
            err->context = context;
            if (err->sqlstate == u"55006")
                err->hint = QStringLiteral(
                    "Another pgferry process applies changes to this database; stop it first.");
            throw pg::Exception(*err);
        }
        QThread::msleep(delayMs); // waiting for another server process to exit, not for our own work
        delayMs = std::min(delayMs * 2, 500);
    }
}

void Applier::dropOrigin(pg::Connection &conn, const QString &originName)
{
    retryWhileOriginBusy(
        conn,
        QStringLiteral(
            "SELECT pg_replication_origin_drop(roname) FROM pg_replication_origin WHERE roname = $1"),
        originName, std::chrono::seconds(20),
        QStringLiteral("dropping replication origin %1").arg(originName));
}

pg::Lsn Applier::start()
{
    if (m_started)
        return m_applied;
    if (m_origin.isEmpty() || m_origin.size() > 512)
        throw pg::Exception(
            pg::Error::client(pg::ErrorCategory::Data, QStringLiteral("invalid replication origin name")));
    // Values arrive as the source's output functions printed them with these settings.
    m_conn.exec(pg::exactTextFormsSql());
    if (m_options.asynchronousCommit)
        m_conn.exec(QStringLiteral("SET synchronous_commit = off"));
    if (m_options.asReplica) {
        m_conn.exec(QStringLiteral("SET default_transaction_read_only = off"));
        if (auto err = m_conn.tryExec(QStringLiteral("SET session_replication_role = replica")))
            throw pg::Exception(pg::Error::client(
                pg::ErrorCategory::Privilege,
                QStringLiteral(
                    "cannot apply as a replica on %1 (SET session_replication_role = replica: %2): its "
                    "triggers would fire a second time for every applied row. Connect as a superuser "
                    "(or, from PostgreSQL 15, a role granted SET on session_replication_role)")
                    .arg(m_conn.info().database, err->message)));
    }
    m_conn.exec(QStringLiteral("SELECT pg_replication_origin_create($1) WHERE NOT EXISTS "
                               "(SELECT 1 FROM pg_replication_origin WHERE roname = $1)"),
                {m_origin});
    if (!m_conn.exec(QStringLiteral("SELECT pg_replication_origin_session_is_setup()")).toBool(0, 0)) {
        // A session that died a moment ago may still hold the origin: wait for it, with backoff.
        retryWhileOriginBusy(
            m_conn, QStringLiteral("SELECT pg_replication_origin_session_setup($1)"), m_origin,
            m_options.originWait,
            QStringLiteral("binding replication origin %1 to the target session").arg(m_origin));
    }
    m_applied = originProgress(m_conn, m_origin);
    m_pending = m_applied;
    m_started = true;
    return m_applied;
}

TableCounters Applier::totals() const
{
    TableCounters t;
    for (const auto &c : m_counters)
        t += c;
    return t;
}

void Applier::invalidateCache()
{
    sendAllDeferred();
    m_tables.clear();
    m_lastTable = nullptr;
}

void Applier::execute(const QString &sql, const pg::Params &params, bool schemaChange)
{
    if (m_skipping)
        return;
    ensureTransaction();
    sendAllDeferred();
    drainPipeline();
    m_conn.exec(sql, params);
    m_batchWrites = true;
    if (schemaChange) {
        m_tables.clear();
        m_lastTable = nullptr;
        m_flushAtCommit = true;
    }
}

void Applier::fail(const Change &c, pg::Error e)
{
    QString what = changeKindName(c.kind);
    if (!c.table.isEmpty())
        what += QStringLiteral(" on %1").arg(c.qualifiedName());
    const QString where = QStringLiteral("applying %1 at source LSN %2").arg(what, pg::formatLsn(c.lsn));
    e.context = e.context.isEmpty() ? where : where + QStringLiteral(" (") + e.context + u')';
    throw pg::Exception(e);
}

Applier::TargetTable &Applier::table(const QString &schema, const QString &name)
{
    // Consecutive changes mostly hit the same few tables: compare before hashing.
    if (m_lastTable && m_lastTable->name == name && m_lastTable->schema == schema)
        return *m_lastTable;
    const QString key = tableKey(schema, name);
    auto it = m_tables.find(key);
    if (it != m_tables.end()) {
        m_lastTable = &*it;
        return *it;
    }
    drainPipeline(); // a catalog query is a plain statement
    // Generated columns arrived in 12, identity columns in 10 (a fallback applies into old majors).
    const int v = m_conn.serverVersion();
    pg::Result r = m_conn.exec(
        QStringLiteral(
            "SELECT c.relkind, a.attname, a.atttypid, %1, %2, "
            "  EXISTS (SELECT 1 FROM pg_operator o WHERE o.oprname = '=' AND o.oprleft = a.atttypid AND "
            "o.oprright = a.atttypid), "
            "  coalesce(a.attnum = ANY ((SELECT i.indkey::int2[] FROM pg_index i WHERE i.indrelid = c.oid "
            "    AND (i.indisreplident OR i.indisprimary) AND i.indisvalid ORDER BY i.indisreplident DESC "
            "LIMIT 1)::int2[]), false), "
            "  NOT c.relhastriggers AND NOT c.relhasrules AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
            "    WHERE f.contype = 'f' AND (f.conrelid = c.oid OR f.confrelid = c.oid)), "
            "  (SELECT count(*) FROM pg_index u WHERE u.indrelid = c.oid AND (u.indisunique OR "
            "u.indisexclusion)) <= 1 "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p') ORDER BY a.attnum")
            .arg(v >= 120000 ? QStringLiteral("coalesce(a.attgenerated <> '', false)")
                             : QStringLiteral("false"),
                 v >= 100000 ? QStringLiteral("a.attidentity") : QStringLiteral("''::\"char\"")),
        {schema, name});
    if (r.rows() == 0) {
        pg::Error e = pg::Error::client(
            pg::ErrorCategory::NotFound,
            QStringLiteral("table %1 does not exist on the target").arg(m_conn.qualified(schema, name)));
        e.sqlstate = QStringLiteral("42P01");
        e.hint = QStringLiteral("Create the table on the target (the schema step), then restart.");
        throw pg::Exception(e);
    }
    TargetTable t;
    t.id = ++m_tableSeq;
    t.schema = schema;
    t.name = name;
    t.counterKey = key;
    t.qualified = m_conn.qualified(schema, name);
    t.relkind = firstChar(r.bytes(0, 0), 'r');
    t.reorderable = t.relkind == 'r' && r.toBool(0, 7);
    t.oneUniqueIndex = r.toBool(0, 8);
    for (int i = 0; i < r.rows(); ++i) {
        if (r.isNull(i, 1))
            continue; // a table without columns
        TargetColumn col;
        col.name = r.text(i, 1);
        col.typeOid = quint32(r.toInt(i, 2));
        col.generated = r.toBool(i, 3);
        col.identity = firstChar(r.bytes(i, 4), 0);
        col.hasEquality = r.toBool(i, 5);
        col.isKey = r.toBool(i, 6);
        t.byName.insert(col.name, int(t.columns.size()));
        if (col.isKey)
            t.key << int(t.columns.size());
        t.columns << col;
    }
    m_lastTable = nullptr; // the insert may move the other values
    m_lastTable = &*m_tables.insert(key, t);
    return *m_lastTable;
}

const QList<int> &Applier::columnMap(TargetTable &t, const Change &c)
{
    // The decoder hands out the same shared column list until the relation changes.
    if (t.sourceColumns.constData() == c.columns.constData() && t.sourceToTarget.size() == c.columns.size())
        return t.sourceToTarget;
    QList<int> map;
    map.reserve(c.columns.size());
    for (const Column &col : c.columns)
        map << targetColumn(t, c, col.name);
    t.sourceColumns = c.columns;
    t.sourceToTarget = map;
    return t.sourceToTarget;
}

QStringList Applier::missingColumns(const Change &c)
{
    TargetTable &t = table(c.schema, c.table);
    // The shared column list columnMap() already mapped: every column is there.
    if (t.sourceColumns.constData() == c.columns.constData() && t.sourceToTarget.size() == c.columns.size() &&
        c.oldColumns.isEmpty())
        return {};
    QStringList out;
    for (const QList<Column> *cols : {&c.columns, &c.oldColumns})
        for (const Column &col : *cols)
            if (!t.byName.contains(col.name) && !out.contains(col.name))
                out << col.name;
    return out;
}

int Applier::targetColumn(const TargetTable &t, const Change &c, const QString &name)
{
    const int i = t.byName.value(name, -1);
    if (i < 0) {
        pg::Error e =
            pg::Error::client(pg::ErrorCategory::Data,
                              QStringLiteral("column \"%1\" of %2 exists on the source but not on the target")
                                  .arg(name, c.qualifiedName()));
        e.hint =
            QStringLiteral("The source table changed (DDL drift). Apply the same change to the target table, "
                           "then restart the migration.");
        fail(c, e);
    }
    return i;
}

template<typename SqlBuilder>
QByteArray Applier::statement(const QByteArray &signature, const SqlBuilder &sql,
                              const std::vector<quint32> &types)
{
    auto it = m_statements.constFind(signature);
    if (it != m_statements.cend())
        return *it;
    const QByteArray name = "pgferry_cdc_" + QByteArray::number(++m_statementSeq);
    drainPipeline();
    m_conn.prepare(name, sql(), types);
    m_statements.insert(signature, name);
    return name;
}

void Applier::checkAffected(const InFlight &f, const pg::Result &r)
{
    if (!f.needsRow || !m_options.missingRowIsError || r.affectedRows() >= f.rows)
        return;
    Change c;
    c.kind = f.kind;
    c.schema = f.schema;
    c.table = f.table;
    c.lsn = f.lsn;
    pg::Error e = pg::Error::client(
        pg::ErrorCategory::Integrity,
        QStringLiteral("the row to %1 was not found in %2")
                .arg(f.kind == Change::Update ? QStringLiteral("update") : QStringLiteral("delete"),
                     c.qualifiedName()) +
            (f.rows > 1 ? QStringLiteral(" (one of %1 rows updated together from source "
                                         "LSN %2 on)")
                              .arg(f.rows)
                              .arg(pg::formatLsn(f.lsn))
                        : QString()));
    e.hint = QStringLiteral("Source and target diverged; verify the table and reload it.");
    fail(c, e);
}

void Applier::readGroup(const QList<InFlight> &group)
{
    int failed = -1;
    QList<pg::Result> results;
    try {
        results = m_conn.readPipelineSync(&failed);
    } catch (const pg::Exception &e) {
        if (m_conn.isOpen() && !e.error().breaksConnection())
            abandonPipeline();
        Change c;
        if (failed >= 0 && failed < group.size()) {
            c.kind = group[failed].kind;
            c.schema = group[failed].schema;
            c.table = group[failed].table;
            c.lsn = group[failed].lsn;
        }
        fail(c, e.error());
    }
    for (int i = 0; i < group.size() && i < results.size(); ++i)
        checkAffected(group[i], results[i]);
}

void Applier::abandonPipeline()
{
    // Every group sent must be read (aborted, or failing in the aborted transaction) before the
    // pipeline can be left; statements queued without a sync get one.
    qsizetype groups = m_syncedGroups.size();
    m_syncedGroups.clear();
    m_inflight.clear();
    if (!m_conn.isOpen() || !m_conn.inPipeline())
        return;
    try {
        m_conn.sendPipelineSync();
        ++groups;
    } catch (const pg::Exception &) {
    }
    for (qsizetype i = 0; i < groups && m_conn.isOpen(); ++i) {
        try {
            m_conn.readPipelineSync();
        } catch (const pg::Exception &) {
        }
    }
    try {
        m_conn.exitPipeline();
    } catch (const pg::Exception &) {
    }
}

void Applier::drainPipeline()
{
    if (!m_conn.inPipeline())
        return;
    if (!m_inflight.isEmpty()) {
        m_conn.sendPipelineSync();
        m_syncedGroups.append(std::exchange(m_inflight, {}));
    }
    while (!m_syncedGroups.isEmpty())
        readGroup(m_syncedGroups.takeFirst());
    m_conn.exitPipeline();
}

void Applier::send(const QByteArray &name, const pg::Params &params, const InFlight &info)
{
    auto failHere = [&](const pg::Exception &e) {
        Change c;
        c.kind = info.kind;
        c.schema = info.schema;
        c.table = info.table;
        c.lsn = info.lsn;
        fail(c, e.error());
    };
    if (m_options.pipelineDepth <= 1) {
        pg::Result r;
        try {
            r = m_conn.execPrepared(name, params);
        } catch (const pg::Exception &e) {
            failHere(e);
        }
        checkAffected(info, r);
        return;
    }
    try {
        m_conn.enterPipeline();
        m_conn.sendPrepared(name, params);
    } catch (const pg::Exception &e) {
        failHere(e);
    }
    m_inflight.append(info);
    if (m_inflight.size() >= m_options.pipelineDepth) {
        // This group runs on the server while the next is queued: only the one before it is
        // waited for (the server never idles while the applier decodes and builds the next).
        try {
            m_conn.sendPipelineSync();
        } catch (const pg::Exception &e) {
            failHere(e);
        }
        m_syncedGroups.append(std::exchange(m_inflight, {}));
        while (m_syncedGroups.size() > 1)
            readGroup(m_syncedGroups.takeFirst());
    }
}

void Applier::sendDeferred(TargetTable &t)
{
    if (t.deferred.isEmpty())
        return;
    const QList<Deferred> held = std::exchange(t.deferred, {});
    t.deferredInserts = false;
    t.deferredByKey.clear();
    m_deferredTables.removeOne(t.counterKey);
    m_held -= held.size();
    sendMulti(held); // UPDATEs of distinct rows, or INSERTs in order
}

void Applier::noteHeld()
{
    m_peakHeld = std::max(m_peakHeld, ++m_held);
    if (m_held >= m_options.maxHeldChanges)
        sendAllDeferred(); // in order: what a table held keeps its order, tables are independent
}

void Applier::sendAllDeferred()
{
    while (!m_deferredTables.isEmpty()) {
        auto it = m_tables.find(m_deferredTables.first());
        if (it == m_tables.end()) {
            m_deferredTables.removeFirst();
            continue;
        }
        sendDeferred(*it);
    }
}

void Applier::ensureTransaction()
{
    if (m_txOpen)
        return;
    drainPipeline();
    m_conn.exec(QStringLiteral("BEGIN"));
    m_txOpen = true;
    m_batchWrites = false;
    m_batchChanges = 0;
    m_batchTransactions = 0;
    m_batchTimer.start();
}

TableCounters &Applier::batchCounters(const TargetTable &t)
{
    return m_batchCounters[t.counterKey];
}

bool Applier::flushDue() const
{
    if (!m_txOpen || m_inSourceTx)
        return false;
    return m_batchChanges >= m_options.maxBatchChanges ||
           m_batchTimer.elapsed() >= m_options.maxBatchDelay.count();
}

bool Applier::flush()
{
    if (!m_txOpen || m_inSourceTx)
        return false;
    try {
        sendAllDeferred();
        drainPipeline();
        if (m_pending > m_applied) {
            // A transaction without an xid writes no commit record and so would not advance the origin.
            if (!m_batchWrites)
                m_conn.exec(QStringLiteral("SELECT txid_current()"));
            m_conn.exec(
                QStringLiteral(
                    "SELECT pg_replication_origin_xact_setup($1::pg_lsn, coalesce($2::timestamptz, now()))"),
                {pg::formatLsn(m_pending),
                 m_pendingTime ? pg::Param(timestampText(m_pendingTime)) : pg::Param()});
        }
        m_conn.exec(QStringLiteral("COMMIT"));
    } catch (const pg::Exception &e) {
        if (m_conn.isOpen())
            m_conn.tryExec(QStringLiteral("ROLLBACK")); // leave the session idle, whatever failed
        m_txOpen = false;
        pg::Error err = e.error();
        err.context = QStringLiteral("committing changes up to source LSN %1").arg(pg::formatLsn(m_pending));
        m_pending = m_applied;
        m_batchCounters.clear();
        throw pg::Exception(err);
    }
    m_txOpen = false;
    m_flushAtCommit = false;
    m_applied = m_pending;
    for (auto it = m_batchCounters.cbegin(); it != m_batchCounters.cend(); ++it)
        m_counters[it.key()] += it.value();
    m_batchCounters.clear();
    m_batchChanges = 0;
    m_batchTransactions = 0;
    return true;
}

void Applier::rollback()
{
    for (const QString &k : std::as_const(m_deferredTables)) {
        auto it = m_tables.find(k);
        if (it != m_tables.end()) {
            it->deferred.clear();
            it->deferredInserts = false;
            it->deferredByKey.clear();
        }
    }
    m_deferredTables.clear();
    m_held = 0;
    abandonPipeline();
    if (m_conn.isOpen())
        m_conn.tryExec(QStringLiteral("ROLLBACK"));
    m_txOpen = false;
    m_inSourceTx = false;
    m_skipping = false;
    m_pending = m_applied;
    m_batchCounters.clear();
    m_batchChanges = 0;
    m_batchTransactions = 0;
}

void Applier::apply(const Change &c)
{
    if (!m_started)
        start();
    switch (c.kind) {
    case Change::Begin:
        if (m_inSourceTx)
            fail(c, pg::Error::client(pg::ErrorCategory::Protocol,
                                      QStringLiteral("BEGIN inside a transaction")));
        m_inSourceTx = true;
        // pgoutput names the commit record at BEGIN: a transaction that committed before the
        // recorded position was applied already (a replayed spool, a restart).
        m_skipping = c.commitLsn != 0 && c.commitLsn < m_applied;
        if (!m_skipping)
            ensureTransaction();
        return;
    case Change::Commit:
        if (!m_inSourceTx)
            fail(c, pg::Error::client(pg::ErrorCategory::Protocol, QStringLiteral("COMMIT without BEGIN")));
        m_inSourceTx = false;
        if (m_skipping) {
            m_skipping = false;
            return;
        }
        if (c.endLsn > m_pending) {
            m_pending = c.endLsn;
            m_pendingTime = c.commitTimeMicros;
        }
        ++m_batchTransactions;
        if (flushDue() || m_flushAtCommit)
            flush();
        return;
    case Change::Relation:
        if (c.relationChanged) {
            const auto it = m_tables.find(tableKey(c.schema, c.table));
            if (it != m_tables.end()) {
                sendDeferred(*it); // changes made before the relation changed
                m_tables.erase(it);
                m_lastTable = nullptr;
            }
        }
        return;
    case Change::Type:
    case Change::Origin:
    case Change::Message:
        return;
    case Change::StreamStart:
    case Change::StreamStop:
    case Change::StreamCommit:
    case Change::StreamAbort:
        fail(c, pg::Error::client(
                    pg::ErrorCategory::Protocol,
                    QStringLiteral("streamed in-progress transactions are not supported: start the slot "
                                   "without the streaming option")));
    case Change::Insert:
    case Change::Update:
    case Change::Delete:
    case Change::Truncate:
        break;
    }
    if (m_skipping)
        return;
    ensureTransaction();
    try {
        switch (c.kind) {
        case Change::Insert:
            applyInsert(c);
            break;
        case Change::Update:
            applyUpdate(c);
            break;
        case Change::Delete:
            applyDelete(c);
            break;
        case Change::Truncate:
            applyTruncate(c);
            break;
        default:
            break;
        }
    } catch (const pg::Exception &e) {
        if (e.error().context.startsWith(u"applying "))
            throw;
        fail(c, e.error());
    }
    m_batchWrites = true;
    ++m_batchChanges;
}

void Applier::applyInsert(const Change &c)
{
    TargetTable &t = table(c.schema, c.table);
    if (!t.deferredInserts)
        sendDeferred(t); // UPDATEs held back before this INSERT go first
    const QList<int> &map = columnMap(t, c);
    std::vector<quint32> types;
    pg::Params params;
    params.reserve(size_t(c.newTuple.size()));
    m_signature.clear();
    m_signature += 'I';
    m_signature.append(reinterpret_cast<const char *>(&t.id), sizeof(t.id));
    bool identity = false;
    for (int i = 0; i < c.columns.size() && i < c.newTuple.size(); ++i) {
        const int ti = map[i];
        const TargetColumn &col = t.columns[ti];
        if (col.generated || c.newTuple[i].kind == Value::Unchanged)
            continue; // generated columns are computed by the target
        identity |= col.identity == 'a';
        types.push_back(col.typeOid);
        params.push_back(param(c.newTuple[i]));
        appendIndex(m_signature, ti);
    }
    QString head;
    const QByteArray name = statement(
        m_signature,
        [&]() -> QString {
            QStringList names, placeholders;
            for (int i = 0; i < c.columns.size() && i < c.newTuple.size(); ++i) {
                const TargetColumn &col = t.columns[map[i]];
                if (col.generated || c.newTuple[i].kind == Value::Unchanged)
                    continue;
                names << m_conn.quoteIdent(col.name);
                placeholders << u'$' + QString::number(placeholders.size() + 1);
            }
            QString sql = QStringLiteral("INSERT INTO ") + t.qualified;
            if (names.isEmpty()) {
                sql += QStringLiteral(" DEFAULT VALUES");
            } else {
                sql += QStringLiteral(" (") + names.join(QStringLiteral(", ")) + u')';
                if (identity)
                    sql += QStringLiteral(" OVERRIDING SYSTEM VALUE");
                head = sql + QStringLiteral(" VALUES ");
                sql += QStringLiteral(" VALUES (") + placeholders.join(QStringLiteral(", ")) + u')';
            }
            return sql;
        },
        types);
    if (!head.isEmpty())
        m_multiShapes.insert(name, {head, QString(), types});
    ++batchCounters(t).inserts;
    const InFlight info{c.kind, c.schema, c.table, c.lsn, false};
    // Held back on a table whose changes may be reordered with other tables': consecutive rows
    // go as multi-row INSERTs (one statement, one executor start for many rows).
    if (!(m_options.coalesceUpdates && m_options.pipelineDepth > 1 && t.reorderable && !params.empty() &&
          m_multiShapes.contains(name))) {
        sendDeferred(t);
        send(name, params, info);
        return;
    }
    if (t.deferred.isEmpty())
        m_deferredTables << t.counterKey;
    t.deferredInserts = true;
    t.deferred.append({name, params, info});
    noteHeld();
    if (t.deferred.size() >= 1024)
        sendDeferred(t);
}

void Applier::sendMulti(const QList<Deferred> &rows)
{
    qsizetype i = 0;
    while (i < rows.size()) {
        // A run of rows of the same shape.
        qsizetype end = i + 1;
        while (end < rows.size() && rows[end].statement == rows[i].statement)
            ++end;
        const auto shapeIt = m_multiShapes.constFind(rows[i].statement);
        if (shapeIt == m_multiShapes.cend()) { // no multi-row form
            send(rows[i].statement, rows[i].params, rows[i].info);
            ++i;
            continue;
        }
        const MultiShape &shape = *shapeIt;
        const int columns = int(shape.types.size());
        while (i < end) {
            const qsizetype left = end - i;
            int k = 1;
            for (int size : {64, 16, 4})
                if (left >= size && size * columns <= 32767) {
                    k = size;
                    break;
                }
            if (k == 1) {
                send(rows[i].statement, rows[i].params, rows[i].info);
                ++i;
                continue;
            }
            const QByteArray key = rows[i].statement + '*' + QByteArray::number(k);
            QByteArray name = m_multiStatements.value(key);
            if (name.isEmpty()) {
                QString sql = shape.head;
                std::vector<quint32> types;
                types.reserve(size_t(k * columns));
                int n = 0;
                for (int r = 0; r < k; ++r) {
                    sql += r ? QStringLiteral(", (") : QStringLiteral("(");
                    for (int col = 0; col < columns; ++col) {
                        sql += (col ? QStringLiteral(", $") : QStringLiteral("$")) + QString::number(++n);
                        types.push_back(shape.types[size_t(col)]);
                    }
                    sql += u')';
                }
                sql += shape.tail;
                name = "pgferry_cdc_" + QByteArray::number(++m_statementSeq);
                drainPipeline();
                m_conn.prepare(name, sql, types);
                m_multiStatements.insert(key, name);
            }
            pg::Params params;
            params.reserve(size_t(k * columns));
            for (int r = 0; r < k; ++r)
                params.insert(params.end(), rows[i + r].params.begin(), rows[i + r].params.end());
            InFlight info = rows[i].info;
            info.rows = k;
            send(name, params, info);
            i += k;
        }
    }
}

QList<Applier::Match> Applier::rowMatch(const Change &c, const TargetTable &t, bool *exactKey)
{
    QList<Match> out;
    *exactKey = true;
    const bool hasOld = c.oldKind != 0 && !c.oldTuple.isEmpty();
    const QList<Column> &cols = hasOld ? c.oldColumns : c.columns;
    const QList<Value> &vals = hasOld ? c.oldTuple : c.newTuple;
    auto valueOf = [&](int targetIndex) -> const Value * {
        for (int i = 0; i < cols.size() && i < vals.size(); ++i)
            if (cols[i].name == t.columns[targetIndex].name)
                return &vals[i];
        return nullptr;
    };

    // 1. The source's key, as pgoutput flags it (an old key, or the unchanged key of the new row).
    if (c.oldKind != 'O') {
        bool usable = false;
        for (int i = 0; i < cols.size() && i < vals.size(); ++i) {
            if (!cols[i].isKey)
                continue;
            usable = vals[i].kind == Value::Text;
            if (!usable)
                break;
            out << Match{targetColumn(t, c, cols[i].name), vals[i], Match::Equal};
        }
        if (usable)
            return out;
        out.clear();
    }
    // 2. The target's key, when every part of it is known.
    if (!t.key.isEmpty()) {
        bool usable = true;
        for (int k : t.key) {
            const Value *v = valueOf(k);
            if (!v || v->kind != Value::Text) {
                usable = false;
                break;
            }
            out << Match{k, *v, Match::Equal};
        }
        if (usable)
            return out;
        out.clear();
    }
    // A table without columns: every row is the same, so any one of them is the changed one.
    if (std::all_of(t.columns.begin(), t.columns.end(),
                    [](const TargetColumn &col) { return col.generated; })) {
        *exactKey = false;
        return out;
    }
    if (!hasOld) {
        pg::Error e = pg::Error::client(
            pg::ErrorCategory::Data,
            QStringLiteral("cannot identify the changed row of %1: the source sent no key and "
                           "the target table has no primary key")
                .arg(c.qualifiedName()));
        e.hint = QStringLiteral("Give the table a primary key, or REPLICA IDENTITY FULL on the source.");
        fail(c, e);
    }
    // 3. The whole old row (REPLICA IDENTITY FULL): one matching row, duplicates or not.
    *exactKey = false;
    // test_decoding leaves NULL columns out of the old row: absent means NULL there.
    bool flagged = false;
    for (const Column &col : cols)
        flagged |= col.isKey;
    const bool absentIsNull = c.oldKind == 'K' && !flagged;
    QList<bool> seen(t.columns.size(), false);
    for (int i = 0; i < cols.size() && i < vals.size(); ++i) {
        const int ti = targetColumn(t, c, cols[i].name);
        seen[ti] = true;
        if (t.columns[ti].generated || vals[i].kind == Value::Unchanged)
            continue;
        out << Match{ti, vals[i], vals[i].kind == Value::Null ? Match::IsNull : Match::NotDistinct};
    }
    if (absentIsNull)
        for (int ti = 0; ti < t.columns.size(); ++ti)
            if (!seen[ti] && !t.columns[ti].generated)
                out << Match{ti, Value::null(), Match::IsNull};
    return out;
}

void Applier::whereParams(const TargetTable &t, const QList<Match> &matches, std::vector<quint32> &types,
                          pg::Params &params, QByteArray &signature)
{
    for (const Match &m : matches) {
        appendIndex(signature, m.column);
        signature += char('0' + int(m.mode));
        if (m.mode == Match::IsNull)
            continue;
        types.push_back(t.columns[m.column].typeOid);
        params.push_back(param(m.value));
    }
}

QString Applier::whereSql(const TargetTable &t, const QList<Match> &matches, bool exactKey,
                          int firstParam) const
{
    QStringList terms;
    int n = firstParam;
    for (const Match &m : matches) {
        const TargetColumn &col = t.columns[m.column];
        const QString ident = m_conn.quoteIdent(col.name);
        if (m.mode == Match::IsNull) {
            terms << ident + QStringLiteral(" IS NULL");
            continue;
        }
        const QString p = u'$' + QString::number(n++);
        if (m.mode == Match::Equal && col.hasEquality)
            terms << ident + QStringLiteral(" = ") + p;
        else if (col.hasEquality)
            terms << ident + QStringLiteral(" IS NOT DISTINCT FROM ") + p;
        else // json, point, arrays and domains: compare the target's own text form of both sides
            terms << ident + QStringLiteral("::text IS NOT DISTINCT FROM ") + p + QStringLiteral("::text");
    }
    const QString cond = terms.isEmpty() ? QStringLiteral("true") : terms.join(QStringLiteral(" AND "));
    const QString only = t.relkind == 'p' ? QString() : QStringLiteral("ONLY ");
    if (exactKey)
        return QStringLiteral(" WHERE ") + cond;
    // Duplicates are possible without a key: touch exactly one of the equal rows.
    if (t.relkind == 'p')
        return QStringLiteral(" WHERE (tableoid, ctid) = (SELECT tableoid, ctid FROM ") + t.qualified +
               QStringLiteral(" WHERE ") + cond + QStringLiteral(" LIMIT 1)");
    return QStringLiteral(" WHERE ctid = (SELECT ctid FROM ") + only + t.qualified +
           QStringLiteral(" WHERE ") + cond + QStringLiteral(" LIMIT 1)");
}

void Applier::applyUpdate(const Change &c)
{
    TargetTable &t = table(c.schema, c.table);
    const QList<int> &map = columnMap(t, c);
    bool exactKey = true;
    const QList<Match> matches = rowMatch(c, t, &exactKey);
    std::vector<quint32> types;
    pg::Params params;
    params.reserve(size_t(c.newTuple.size() + matches.size()));
    m_signature.clear();
    m_signature += 'U';
    m_signature.append(reinterpret_cast<const char *>(&t.id), sizeof(t.id));
    QList<int> setColumns;
    bool everyColumn = true;
    for (int i = 0; i < c.columns.size() && i < c.newTuple.size(); ++i) {
        const int ti = map[i];
        const TargetColumn &col = t.columns[ti];
        if (c.newTuple[i].kind == Value::Unchanged)
            everyColumn = false;
        // Generated columns are recomputed; TOAST values not sent keep the target's value.
        if (col.generated || c.newTuple[i].kind == Value::Unchanged)
            continue;
        if (col.identity == 'a') {
            everyColumn = false;
            // GENERATED ALWAYS can only be set to DEFAULT by UPDATE: leave it out when it did not change.
            const Value *old = nullptr;
            for (const Match &m : matches)
                if (m.column == ti)
                    old = &m.value;
            if (!old || *old == c.newTuple[i])
                continue;
        }
        types.push_back(col.typeOid);
        params.push_back(param(c.newTuple[i]));
        setColumns << ti;
        appendIndex(m_signature, ti);
    }
    if (setColumns.isEmpty()) {
        ++batchCounters(t).updates; // nothing the target stores changed
        return;
    }
    // The number of SET columns right after the table id: the signature reads back one way only.
    QByteArray count;
    appendIndex(count, int(setColumns.size()));
    m_signature.insert(1 + qsizetype(sizeof(t.id)), count);
    const int firstWhereParam = int(params.size()) + 1;
    whereParams(t, matches, types, params, m_signature);
    const QByteArray name = statement(
        m_signature,
        [&]() -> QString {
            QStringList sets;
            for (qsizetype i = 0; i < setColumns.size(); ++i)
                sets << m_conn.quoteIdent(t.columns[setColumns[i]].name) + QStringLiteral(" = $") +
                            QString::number(i + 1);
            const QString only = t.relkind == 'p' ? QString() : QStringLiteral("ONLY ");
            return QStringLiteral("UPDATE ") + only + t.qualified + QStringLiteral(" SET ") +
                   sets.join(QStringLiteral(", ")) + whereSql(t, matches, exactKey, firstWhereParam);
        },
        types);
    const InFlight info{c.kind, c.schema, c.table, c.lsn, true};
    ++batchCounters(t).updates;

    // Held back when a later UPDATE of the same row may replace it: by an unchanged key, every
    // column set, on a table whose changes may be reordered with other tables' changes.
    // Only with no unique index but the key: rows that trade values of another unique column one
    // UPDATE at a time would collide when merged or updated by one statement in another order.
    bool hold = m_options.coalesceUpdates && m_options.pipelineDepth > 1 && t.reorderable &&
                t.oneUniqueIndex && exactKey && everyColumn && c.oldKind == 0 && !matches.isEmpty();
    QByteArray rowKey;
    if (hold) {
        for (const Match &m : matches) {
            if (m.mode != Match::Equal || m.value.kind != Value::Text) {
                hold = false;
                break;
            }
            rowKey += QByteArray::number(m.column) + ':' + QByteArray::number(m.value.text.size()) + ':' +
                      m.value.text;
        }
    }
    if (!hold || t.deferredInserts)
        sendDeferred(t); // rows inserted before this UPDATE go first
    if (!hold) {
        send(name, params, info);
        return;
    }
    if (hold && !m_multiShapes.contains(name) &&
        std::all_of(matches.begin(), matches.end(), [&](const Match &m) {
            return m.mode == Match::Equal && t.columns[m.column].hasEquality;
        })) {
        // UPDATE t SET a = v.c1, ... FROM (VALUES (...), ...) v(c1, ...) WHERE t.key = v.cn: one
        // statement for many rows of distinct keys (held-back UPDATEs are distinct).
        const QString tv = QStringLiteral("pgferry_t"), vv = QStringLiteral("pgferry_v");
        QStringList sets, names, conds;
        int n = 0;
        for (int ti : setColumns) {
            const QString v = u'c' + QString::number(++n);
            sets << m_conn.quoteIdent(t.columns[ti].name) + QStringLiteral(" = ") + vv + u'.' + v;
            names << v;
        }
        for (const Match &m : matches) {
            const QString v = u'c' + QString::number(++n);
            conds << tv + u'.' + m_conn.quoteIdent(t.columns[m.column].name) + QStringLiteral(" = ") + vv +
                         u'.' + v;
            names << v;
        }
        MultiShape shape;
        shape.head = QStringLiteral("UPDATE ONLY ") + t.qualified + QStringLiteral(" AS ") + tv +
                     QStringLiteral(" SET ") + sets.join(QStringLiteral(", ")) +
                     QStringLiteral(" FROM (VALUES ");
        shape.tail = QStringLiteral(") AS ") + vv + u'(' + names.join(QStringLiteral(", ")) +
                     QStringLiteral(") WHERE ") + conds.join(QStringLiteral(" AND "));
        shape.types = types;
        if (t.relkind == 'r')
            m_multiShapes.insert(name, shape);
    }
    const auto it = t.deferredByKey.constFind(rowKey);
    if (it != t.deferredByKey.cend()) {
        t.deferred[*it] = {name, params, info};
        return;
    }
    if (t.deferred.isEmpty())
        m_deferredTables << t.counterKey;
    t.deferredByKey.insert(rowKey, t.deferred.size());
    t.deferred.append({name, params, info});
    noteHeld();
}

void Applier::applyDelete(const Change &c)
{
    TargetTable &t = table(c.schema, c.table);
    sendDeferred(t);
    bool exactKey = true;
    const QList<Match> matches = rowMatch(c, t, &exactKey);
    std::vector<quint32> types;
    pg::Params params;
    m_signature.clear();
    m_signature += exactKey ? "D" : "d";
    m_signature.append(reinterpret_cast<const char *>(&t.id), sizeof(t.id));
    whereParams(t, matches, types, params, m_signature);
    const QByteArray name = statement(
        m_signature,
        [&]() -> QString {
            const QString only = t.relkind == 'p' ? QString() : QStringLiteral("ONLY ");
            return QStringLiteral("DELETE FROM ") + only + t.qualified + whereSql(t, matches, exactKey, 1);
        },
        types);
    send(name, params, {c.kind, c.schema, c.table, c.lsn, true});
    ++batchCounters(t).deletes;
}

void Applier::applyTruncate(const Change &c)
{
    if (c.truncateTables.isEmpty())
        return;
    sendAllDeferred(); // held-back UPDATEs came before the TRUNCATE (CASCADE reaches other tables)
    QStringList names;
    for (const TableName &tn : c.truncateTables)
        names << table(tn.schema, tn.name).qualified;
    // ONLY: inheritance children and partitions get their own entries in the stream.
    QString sql = QStringLiteral("TRUNCATE ONLY ") + names.join(QStringLiteral(", "));
    if (c.truncateRestartIdentity)
        sql += QStringLiteral(" RESTART IDENTITY");
    if (c.truncateCascade)
        sql += QStringLiteral(" CASCADE");
    drainPipeline();
    try {
        m_conn.exec(sql);
    } catch (const pg::Exception &e) {
        fail(c, e.error());
    }
    for (const TableName &tn : c.truncateTables)
        ++m_batchCounters[tableKey(tn.schema, tn.name)].truncates;
}

} // namespace pgferry::cdc
