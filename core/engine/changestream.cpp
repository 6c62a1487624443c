#include "engine/changestream.h"

#include "cdc/ddlcapture.h"
#include "cdc/pgoutputdecoder.h"
#include "cdc/testdecodingparser.h"
#include "load/catalog.h"
#include "load/copier.h"
#include "pg/connection.h"
#include "pg/replication.h"
#include "pg/textforms.h"

#include <QDataStream>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QThread>
#include <ctime>

namespace pgferry::engine {

using namespace std::chrono_literals;

namespace {

void sleepWithStop(int ms, const std::function<bool()> &stopping)
{
    for (int waited = 0; waited < ms && !stopping(); waited += 50)
        QThread::msleep(50);
}

// Silence on the replication connection: ask for a reply after this long, give up after that.
constexpr qint64 kProbeAfterMs = 5000;
constexpr qint64 kStalledAfterMs = 20000;
// Group commit of the spool: whole transactions received are made durable (and so readable by the
// applier, and confirmable to the source) at most this long after they arrive, or as soon as the
// stream pauses; one fdatasync covers every transaction received in between.
constexpr qint64 kGroupCommitMs = 50;
constexpr auto kPauseAfter = std::chrono::milliseconds(5);
// While the source streams, take its messages in batches 0.2 ms apart rather than being woken for
// each (see ReplicationConnection::setBurstNap). Measured on the 100,000-transaction drain: 0.1 to
// 0.4 ms all gain 10-20 %; 1 ms loses 60 %: the socket's receive buffer (charged a whole buffer
// per small segment) fills and the walsender has to wait.
constexpr int kBurstNapMicros = 200;

// A monotonic clock read once per message: the coarse one costs no TSC read (its few milliseconds
// of resolution are plenty for thresholds of 50 ms and more).
qint64 coarseNowMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int backoffMs(int attempt)
{
    const int base = std::min(30000, 500 * (1 << std::min(attempt, 6)));
    return base / 2 + int(QRandomGenerator::global()->bounded(base / 2 + 1));
}

// Sessions that decode or apply speak the text forms the other side reads back exactly.
pg::ConnInfo withExactTextForms(pg::ConnInfo ci, const QString &sourceEncoding)
{
    // Added to the user's own options (later settings win), not instead of them. The walsender
    // prints values in the transfer encoding (its default is the database's, which the applier's
    // session would misread: LATIN1 'Ã¼' is the UTF-8 for 'ü').
    const QString own = ci.extra.value(QStringLiteral("options")).trimmed();
    ci.extra.insert(QStringLiteral("options"),
                    (own.isEmpty() ? QString() : own + u' ') + pg::exactTextFormsOptions() +
                        QStringLiteral(" -c client_encoding=") + load::transferEncoding(sourceEncoding));
    return ci;
}

bool isCommitMessage(const QString &plugin, const QByteArray &data)
{
    if (plugin == u"pgoutput")
        return !data.isEmpty() && data.at(0) == 'C';
    return data.startsWith("COMMIT");
}

bool isBeginMessage(const QString &plugin, const QByteArray &data)
{
    if (plugin == u"pgoutput")
        return !data.isEmpty() && data.at(0) == 'B';
    return data.startsWith("BEGIN");
}

// What the applier carried (or not), kept on the target with the rows (dropped with _pgferry at the end).
// Per table, the position its last resync copied it at ("pending": made on the target by the
// catalog watch and not copied yet, so its changes are held), kept with the copy.
QList<std::pair<QString, pg::Params>> resyncMarkStatements(const QString &migration, const QString &table,
                                                           const QString &lsn)
{
    return {
        {QStringLiteral("CREATE SCHEMA IF NOT EXISTS _pgferry"), {}},
        {QStringLiteral("CREATE TABLE IF NOT EXISTS _pgferry.resync (migration text, tab text, lsn text, "
                        "PRIMARY KEY (migration, tab))"),
         {}},
        {QStringLiteral("DELETE FROM _pgferry.resync WHERE migration = $1 AND tab = $2"), {migration, table}},
        {QStringLiteral("INSERT INTO _pgferry.resync VALUES ($1, $2, $3)"), {migration, table, lsn}}};
}

void markResync(pg::Connection &target, const QString &migration, const QString &table, const QString &lsn)
{
    for (const auto &[sql, params] : resyncMarkStatements(migration, table, lsn))
        target.exec(sql, params);
}

void createSchemaChangesTable(pg::Connection &target)
{
    target.exec(QStringLiteral(
        "CREATE SCHEMA IF NOT EXISTS _pgferry; "
        "CREATE TABLE IF NOT EXISTS _pgferry.schema_changes (seq bigserial PRIMARY KEY, "
        "migration text, lsn text, object text, kind text, statement text, state text, detail text)"));
}

} // namespace

ChangeStream::ChangeStream(StreamConfig config, const std::atomic_bool *stop)
    : m_config(std::move(config)), m_stop(stop), m_spool(m_config.spoolDir)
{
    if (qEnvironmentVariableIntValue("PGFERRY_APPLY_SYNC") == 1)
        m_config.lowLatencyApply = false;
    m_config.applier.asynchronousCommit = m_config.lowLatencyApply;
    m_spool.open();
    m_spool.setReadUnsynced(m_config.lowLatencyApply);
    // pgoutput names a transaction's commit at BEGIN: one still arriving can be applied as it
    // comes (the target commits it only at its COMMIT), so a large transaction is not first
    // received whole and then applied.
    if (m_config.plugin == u"pgoutput")
        m_spool.setReadOpenTransactions(m_config.lowLatencyApply);
    m_stats.durable = m_spool.durableCommitLsn();
}

ChangeStream::~ChangeStream()
{
    stop();
}

void ChangeStream::setError(const QString &e, bool fatal)
{
    QMutexLocker l(&m_mutex);
    m_stats.lastError = e;
    if (fatal)
        m_stats.fatalError = e;
}

StreamStats ChangeStream::stats() const
{
    QMutexLocker l(&m_mutex);
    StreamStats s = m_stats;
    s.spoolBytes = m_spool.sizeBytes();
    return s;
}

void ChangeStream::startReceiver()
{
    if (!m_receiver.joinable())
        m_receiver = std::thread([this] { receiverLoop(); });
}

void ChangeStream::startApplier()
{
    if (!m_applier.joinable())
        m_applier = std::thread([this] { applierLoop(); });
}

void ChangeStream::stop()
{
    m_stopStream = true;
    if (m_receiver.joinable())
        m_receiver.join();
    if (m_applier.joinable())
        m_applier.join();
}

// ---------------------------------------------------------------- receiver

void ChangeStream::receiverLoop()
{
    int busyAttempts = 0;
    for (int attempt = 0; !stopping(); ++attempt) {
        try {
            receiveOnce();
            attempt = 0;
        } catch (const pg::Exception &e) {
            const pg::Error &err = e.error();
            const QString msg =
                QStringLiteral("receiving changes from slot %1: %2").arg(m_config.slot, err.toString());
            // A slot the source invalidated (max_slot_wal_keep_size) cannot come back.
            const bool invalidated = err.message.contains(u"can no longer get changes") ||
                                     err.message.contains(u"invalidated") || err.sqlstate == u"42704";
            // The walsender of a run that was killed a moment ago may still hold the slot (55006):
            // it lets go as soon as it notices its client is gone.
            const bool slotBusy = err.sqlstate == u"55006" && ++busyAttempts < 20;
            if (invalidated ||
                (!slotBusy && !err.retryable() && err.category != pg::ErrorCategory::Cancelled)) {
                QString full = msg;
                if (invalidated)
                    full += QStringLiteral(
                        ". The source removed WAL this migration still needed (the slot was "
                        "invalidated, e.g. by max_slot_wal_keep_size). Changes since then are lost "
                        "to this run: restart this database's migration from scratch.");
                setError(full, true);
                break;
            }
            setError(msg, false);
        } catch (const std::exception &e) {
            setError(QStringLiteral("receiving changes: %1").arg(QString::fromUtf8(e.what())), true);
            break;
        }
        {
            QMutexLocker l(&m_mutex);
            m_stats.receiving = false;
        }
        sleepWithStop(backoffMs(attempt), [this] { return stopping(); });
    }
    QMutexLocker l(&m_mutex);
    m_stats.receiving = false;
}

void ChangeStream::receiveOnce()
{
    auto rc = pg::ReplicationConnection::open(withExactTextForms(m_config.source, m_config.sourceEncoding),
                                              {.timeout = 15s});
    // Whatever an earlier connection appended without making durable comes again from the source.
    m_spool.discardPending();
    {
        QMutexLocker l(&m_mutex);
        m_stats.inTransaction = false;
    }
    const pg::Lsn durable = m_spool.durableCommitLsn();
    const pg::Lsn start = std::max(durable, m_config.startLsn);
    QList<std::pair<QString, QString>> options;
    if (m_config.plugin == u"pgoutput") {
        options << std::pair{QStringLiteral("proto_version"), QStringLiteral("1")}
                << std::pair{QStringLiteral("publication_names"), m_config.publication};
    } else {
        options << std::pair{QStringLiteral("include-xids"), QStringLiteral("1")}
                << std::pair{QStringLiteral("include-timestamp"), QStringLiteral("1")}
                << std::pair{QStringLiteral("skip-empty-xacts"), QStringLiteral("1")};
    }
    // IDENTIFY_SYSTEM first, as pg_recvlogical does: a 9.x walsender sets its timeline there.
    rc.identifySystem();
    rc.startLogical(m_config.slot, start, options);
    {
        QMutexLocker l(&m_mutex);
        m_stats.receiving = true;
        m_stats.lastError.clear();
    }
    rc.setBurstNap(std::chrono::microseconds(kBurstNapMicros));
    qint64 lastFlushMs = coarseNowMs(), lastReplyMs = lastFlushMs, lastPublishMs = 0;
    qint64 unflushedBytes = 0;
    bool inTxn = false;
    pg::Lsn keepaliveWalEnd = 0;
    pg::Lsn lastConfirmed = 0;
    qint64 spooledSinceFlush = 0;
    pg::Lsn lastCommitSpooled = 0;
    // A link that stalls without breaking (a firewall dropping packets, a hung proxy) shows as
    // silence: after a while we ask the source for a reply, and give the connection up when
    // none comes, so that the loop reconnects instead of waiting forever.
    qint64 lastMessageMs = lastFlushMs;
    bool probed = false;
    bool committedSinceFlush = false;
    while (!stopping()) {
        const pg::ReplicationMessage m = rc.read(committedSinceFlush ? kPauseAfter : 100ms);
        const qint64 now = coarseNowMs();
        if (m.kind == pg::ReplicationMessage::Kind::End)
            throw pg::Exception(pg::Error::client(pg::ErrorCategory::Connection,
                                                  QStringLiteral("the source ended the stream")));
        if (m.kind == pg::ReplicationMessage::Kind::XLogData ||
            m.kind == pg::ReplicationMessage::Kind::Keepalive) {
            lastMessageMs = now;
            probed = false;
        } else if (!probed && now - lastMessageMs >= kProbeAfterMs) {
            m_wantReply = true;
            probed = true;
        } else if (now - lastMessageMs >= kStalledAfterMs) {
            pg::Error e =
                pg::Error::client(pg::ErrorCategory::Timeout,
                                  QStringLiteral("no message from the source for %1 s, not even an answer to "
                                                 "a keepalive: the connection stalled")
                                      .arg(kStalledAfterMs / 1000));
            throw pg::Exception(e);
        }
        if (m.kind == pg::ReplicationMessage::Kind::XLogData) {
            cdc::SpoolKind kind = cdc::SpoolKind::Data;
            if (isBeginMessage(m_config.plugin, m.data)) {
                kind = cdc::SpoolKind::Begin;
                inTxn = true;
            } else if (isCommitMessage(m_config.plugin, m.data)) {
                kind = cdc::SpoolKind::Commit;
                inTxn = false;
                ++spooledSinceFlush;
                committedSinceFlush = true;
            }
            m_spool.append(kind, m.walStart, m.data);
            if (kind == cdc::SpoolKind::Commit) {
                lastCommitSpooled = m.walStart;
                // The applier may take it now, before the group's sync (low-latency apply); at
                // most one write per millisecond, so a fast backlog is still written in batches.
                if (m_config.lowLatencyApply && now != lastPublishMs) {
                    m_spool.publishWritten();
                    lastPublishMs = now;
                }
            }
            unflushedBytes += m.data.size();
            QMutexLocker l(&m_mutex);
            m_stats.received = std::max(m_stats.received, m.walStart);
            m_stats.inTransaction = inTxn;
            if (kind == cdc::SpoolKind::Commit)
                m_stats.receivedCommit = std::max(m_stats.receivedCommit, m.walStart);
            m_stats.serverWal = std::max(m_stats.serverWal, m.walEnd);
        } else if (m.kind == pg::ReplicationMessage::Kind::Keepalive) {
            keepaliveWalEnd = m.walEnd;
            QMutexLocker l(&m_mutex);
            m_stats.sentPtr = std::max(m_stats.sentPtr, m.walEnd);
            m_stats.serverWal = std::max(m_stats.serverWal, m.walEnd);
        }
        // Once a second, ask the source for a keepalive so its decoding position (and so the lag
        // shown) stays current even when nothing of ours changes.
        if (now - lastReplyMs >= 1000) {
            m_wantReply = true;
            lastReplyMs = now;
        }
        const bool paused = m.kind == pg::ReplicationMessage::Kind::None;
        const qint64 sinceFlushMs = now - lastFlushMs;
        const bool due = sinceFlushMs >= 200 || unflushedBytes >= (4 << 20) ||
                         (committedSinceFlush && (paused || sinceFlushMs >= kGroupCommitMs)) ||
                         (m.kind == pg::ReplicationMessage::Kind::Keepalive && m.replyRequested) ||
                         m_wantReply.load();
        if (due) {
            // The disk syncs in the background while this loop goes on reading; what it made
            // durable so far is what may be confirmed.
            const pg::Lsn durableNow = m_spool.flushAsync();
            // When every transaction received is on disk, so is everything received before the last
            // keepalive: the source may recycle its WAL up to there (no transaction that ended
            // before it is missing here).
            const bool allDurable = !inTxn && durableNow >= lastCommitSpooled;
            const pg::Lsn confirm = allDurable ? std::max(durableNow, keepaliveWalEnd) : durableNow;
            const bool ask = m_wantReply.exchange(false);
            if (confirm != lastConfirmed ||
                (m.kind == pg::ReplicationMessage::Kind::Keepalive && m.replyRequested) || ask ||
                sinceFlushMs >= 10000) {
                rc.sendStatus(confirm, confirm, confirm, ask);
                lastConfirmed = confirm;
            }
            {
                QMutexLocker l(&m_mutex);
                m_stats.durable = durableNow;
                m_stats.confirmed = confirm;
                m_stats.spooledTxns += spooledSinceFlush;
            }
            spooledSinceFlush = 0;
            unflushedBytes = 0;
            committedSinceFlush = false;
            lastFlushMs = coarseNowMs();
        }
    }
    const pg::Lsn durableNow = m_spool.flush();
    {
        QMutexLocker l(&m_mutex);
        m_stats.durable = durableNow;
        m_stats.spooledTxns += spooledSinceFlush;
    }
    try {
        rc.sendStatus(durableNow, durableNow, durableNow);
        rc.endStreaming();
    } catch (const pg::Exception &) {
    }
}

// ---------------------------------------------------------------- applier

void ChangeStream::saveRelations()
{
    QSaveFile f(m_config.spoolDir + QStringLiteral("/relations.bin"));
    if (!f.open(QIODevice::WriteOnly))
        return;
    QDataStream ds(&f);
    for (const QByteArray &b : std::as_const(m_relationMessages))
        ds << b;
    f.commit();
}

void ChangeStream::loadRelations(QList<QByteArray> &out) const
{
    QFile f(m_config.spoolDir + QStringLiteral("/relations.bin"));
    if (!f.open(QIODevice::ReadOnly))
        return;
    QDataStream ds(&f);
    while (!ds.atEnd()) {
        QByteArray b;
        ds >> b;
        if (ds.status() != QDataStream::Ok)
            break;
        out << b;
    }
}

namespace {
// How a schema change the target refused starts its detail (a restart holds its table again).
const QString kRefusedByTarget = QStringLiteral("the target refused it: ");
} // namespace

void ChangeStream::loadSchemaChanges(pg::Connection &target)
{
    createSchemaChangesTable(target); // what earlier runs carried
    pg::Result r = target.exec(
        QStringLiteral("SELECT lsn, object, kind, statement, state, detail FROM _pgferry.schema_changes "
                       "WHERE migration = $1 ORDER BY seq"),
        {m_config.slot});
    QList<SchemaChange> list;
    for (int i = 0; i < r.rows(); ++i)
        list << SchemaChange{r.text(i, 1), r.text(i, 2), r.text(i, 3),
                             r.text(i, 4), r.text(i, 5), r.text(i, 0)};
    noteStreamedTables(list);
    QMutexLocker l(&m_mutex);
    m_stats.schemaChanges = list;
}

void ChangeStream::requestResync(const QString &table)
{
    QMutexLocker l(&m_mutex);
    if (!m_resyncQueue.contains(table))
        m_resyncQueue << table;
}

void ChangeStream::holdForCopy(const QString &table, const QList<SchemaChange> &changes,
                               const QStringList &afterCopy)
{
    QList<SchemaChange> fresh;
    {
        QMutexLocker l(&m_mutex);
        for (SchemaChange sc : changes) {
            sc.state = QStringLiteral("copying");
            if (std::none_of(m_stats.schemaChanges.cbegin(), m_stats.schemaChanges.cend(),
                             [&](const SchemaChange &c) {
                                 return c.object == sc.object && c.kind == sc.kind && c.state == sc.state;
                             }))
                fresh << sc;
        }
    }
    pg::Connection t = pg::Connection::open(m_config.target, {.timeout = 15s});
    createSchemaChangesTable(t);
    t.exec(QStringLiteral("BEGIN"));
    markResync(t, m_config.slot, table, QStringLiteral("pending"));
    for (const SchemaChange &sc : std::as_const(fresh))
        t.exec(QStringLiteral("INSERT INTO _pgferry.schema_changes (migration, lsn, object, kind, statement, "
                              "state, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
               {m_config.slot, sc.lsn, sc.object, sc.kind, sc.statement, sc.state, sc.detail});
    t.exec(QStringLiteral("COMMIT"));
    QMutexLocker l(&m_mutex);
    if (!m_holdRequests.contains(table))
        m_holdRequests << table;
    if (!m_stats.held.contains(table))
        m_stats.held << table;
    if (!afterCopy.isEmpty())
        m_afterCopy.insert(table, afterCopy);
    m_stats.schemaChanges << fresh;
    m_holdRequested = true;
}

void ChangeStream::takeHoldRequests()
{
    QStringList tables;
    {
        QMutexLocker l(&m_mutex);
        tables.swap(m_holdRequests);
    }
    // Each request comes with a resync request; should that copy have been taken before the hold
    // (a race between the watch's two calls and this loop), the table is copied again in 15 s
    // rather than held for good. A copy that comes first cancels the retry.
    const qint64 retryAt = QDateTime::currentMSecsSinceEpoch() + 15000;
    for (const QString &t : std::as_const(tables)) {
        m_held.insert(t);
        if (!m_resyncRetryAt.contains(t))
            m_resyncRetryAt.insert(t, retryAt);
    }
    publishHeld();
}

void ChangeStream::publishHeld()
{
    QSet<QString> held = m_held;
    QMutexLocker l(&m_mutex);
    for (const QString &t : std::as_const(m_holdRequests)) // not taken by the applier yet
        held.insert(t);
    m_stats.held = QStringList(held.cbegin(), held.cend());
    m_stats.held.sort();
}

bool ChangeStream::holdIfColumnsMissing(cdc::Applier &applier, const cdc::Change &c)
{
    QStringList missing = applier.missingColumns(c);
    if (missing.isEmpty())
        return false;
    // The target may have them by now (the catalog watch adds them, or added them to a parent):
    // its columns are read again before the table is held.
    applier.invalidateCache();
    missing = applier.missingColumns(c);
    if (missing.isEmpty())
        return false;
    const QString table = c.schema + u'.' + c.table;
    m_held.insert(table);
    publishHeld();
    // Copied again once the watch has made the columns (its own request usually comes first);
    // a hold nobody asked to copy would otherwise keep the table from streaming for good.
    if (!m_resyncRetryAt.contains(table))
        m_resyncRetryAt.insert(table, QDateTime::currentMSecsSinceEpoch() + 10000);
    QMutexLocker l(&m_mutex);
    for (const QString &col : missing)
        if (!m_stats.missingColumns.contains(table + u'.' + col))
            m_stats.missingColumns << table + u'.' + col;
    return true;
}

// Whether the target has table $1 ("schema.name" as written, unquoted).
const QString kTargetHasTable =
    QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname || '.' || c.relname = $1)");

void ChangeStream::resync(cdc::Applier &applier, pg::Connection &target, const QString &table)
{
    // A hold asked for before this copy is taken first: taken after it, it would hold the table
    // the copy just joined to the stream.
    takeHoldRequests();
    {
        QMutexLocker l(&m_mutex);
        m_stats.resyncing = table;
    }
    auto done = [&](const QString &line) {
        QMutexLocker l(&m_mutex);
        m_stats.resyncing.clear();
        m_stats.resyncs << table + QStringLiteral(": ") + line;
    };
    // A table whose changes wait for this copy (new, or with columns added) is not left waiting
    // for someone to ask again: the copy is tried again in 15 s.
    auto retryLater = [&] {
        if (m_held.contains(table))
            m_resyncRetryAt.insert(table, QDateTime::currentMSecsSinceEpoch() + 15000);
    };
    applier.flush(); // what was applied before is committed; the copy is its own transaction
    // A table the catalog watch marked before making it on the target (the mark is read again
    // when the applier reconnects) is copied once it is there.
    if (pg::Result there; !target.tryExec(kTargetHasTable, {table}, &there) && !there.toBool(0, 0)) {
        QMutexLocker l(&m_mutex);
        m_stats.resyncing.clear();
        m_resyncRetryAt.insert(table, QDateTime::currentMSecsSinceEpoch() + 3000);
        return;
    }
    QStringList afterCopy;
    {
        QMutexLocker l(&m_mutex);
        afterCopy = m_afterCopy.value(table);
    }
    try {
        pg::Connection source = pg::Connection::open(m_config.source, {.timeout = 15s});
        const int v = source.serverVersion();
        if (m_config.plugin == u"pgoutput" &&
            source.exec(QStringLiteral("SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND "
                                       "schemaname || '.' || tablename = $2"),
                        {m_config.publication, table})
                    .rows() == 0)
            throw std::runtime_error(
                QStringLiteral("it is not in the migration's publication, so its changes would not "
                               "follow the copy: give it a primary key (or a replica identity) first")
                    .toStdString());
        // A new snapshot and its position: changes that ended up to there are in the copy.
        const QString slotName = m_config.slot + QStringLiteral("_s");
        if (v < 100000)
            source.tryExec(
                QStringLiteral("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                               "WHERE slot_name = $1 AND NOT active"),
                {slotName});
        std::optional<pg::ReplicationConnection> exporter; // open and idle while the snapshot is used
        exporter.emplace(pg::ReplicationConnection::open(m_config.source, {.timeout = 15s}));
        const pg::CreatedSlot slot =
            exporter->createLogicalSlot(slotName, m_config.plugin, true, v >= 100000);
        const QString encoding = m_config.plugin == u"test_decoding"
                                     ? m_config.sourceEncoding
                                     : load::transferEncoding(m_config.sourceEncoding);
        load::useClientEncoding(source, encoding);
        load::importSnapshot(source, slot.snapshotName);
        load::SourceTable found;
        bool have = false;
        for (const load::SourceTable &t : load::readTables(source, project::DatabaseSelection{}))
            if (t.qualifiedName() == table) {
                found = t;
                have = true;
            }
        if (!have)
            throw std::runtime_error("it does not exist on the source");
        const QString lsn = pg::formatLsn(slot.consistentPoint);
        load::CopyOptions options;
        options.recordUnit = false;
        options.beforeCommit = [&](pg::Connection &t) {
            // The copy and its position are kept durably: the stream's own commits may not be.
            t.exec(QStringLiteral("SET LOCAL synchronous_commit = on"));
            markResync(t, m_config.slot, table, lsn);
            createSchemaChangesTable(t);
            t.exec(
                QStringLiteral("UPDATE _pgferry.schema_changes SET state = 'resolved', detail = detail || $3 "
                               "WHERE migration = $1 AND state = 'unresolved' AND (object = $2 OR "
                               "left(object, length($2) + 1) = $2 || '.')"),
                {m_config.slot, table, QString(QStringLiteral(" (resolved: copied again at %1)").arg(lsn))});
            t.exec(
                QStringLiteral("UPDATE _pgferry.schema_changes SET state = 'applied', detail = detail || $3 "
                               "WHERE migration = $1 AND state = 'copying' AND (object = $2 OR "
                               "left(object, length($2) + 1) = $2 || '.')"),
                {m_config.slot, table, QString(QStringLiteral(" (copied at %1)").arg(lsn))});
            for (const QString &st : std::as_const(afterCopy))
                t.exec(st);
        };
        load::LoadUnit unit;
        const load::CopyResult r = load::copyUnit(source, target, found, unit, options, {});
        source.tryExec(QStringLiteral("COMMIT"));
        exporter.reset();
        if (v < 100000)
            source.tryExec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {slotName});
        applier.invalidateCache(); // columns the table gained on the target since it was last read
        m_syncLsn.insert(table, slot.consistentPoint);
        m_streamed.insert(table);
        m_held.remove(table);
        m_resyncRetryAt.remove(table);
        {
            QMutexLocker l(&m_mutex);
            m_afterCopy.remove(table);
            m_stats.missingColumns.removeIf([&](const QString &c) { return c.startsWith(table + u'.'); });
            for (SchemaChange &c : m_stats.schemaChanges) {
                if (c.object != table && !c.object.startsWith(table + u'.'))
                    continue;
                if (c.unresolved()) {
                    c.state = QStringLiteral("resolved");
                    c.detail += QStringLiteral(" (resolved: copied again at %1)").arg(lsn);
                } else if (c.state == u"copying") {
                    c.state = QStringLiteral("applied");
                    c.detail += QStringLiteral(" (copied at %1)").arg(lsn);
                }
            }
        }
        publishHeld();
        done(QStringLiteral("copied again, %1 rows, joined the stream at %2").arg(r.rows).arg(lsn));
    } catch (const pg::Exception &e) {
        if (!target.isOpen()) {
            done(QStringLiteral("resync failed: ") + e.error().toString());
            throw;
        }
        // The copy's transaction on the target, if it began, is not the stream's to go on in.
        target.tryExec(QStringLiteral("ROLLBACK"));
        // Which side lacks the table, when one does.
        QString sides;
        if (e.error().sqlstate == u"42P01") {
            pg::Result there;
            const bool onTarget = !target.tryExec(kTargetHasTable, {table}, &there) && there.toBool(0, 0);
            sides = onTarget ? QStringLiteral(" (the target has it: the source's copy failed)")
                             : QStringLiteral(" (the target lacks it)");
        }
        done(QStringLiteral("resync failed: ") + e.error().toString() + sides);
        retryLater();
    } catch (const std::exception &e) {
        done(QStringLiteral("resync refused: ") + QString::fromUtf8(e.what()));
        if (target.isOpen())
            target.tryExec(QStringLiteral("ROLLBACK"));
        retryLater();
    }
}

QString ChangeStream::heldTableOf(const QString &object, const QString &kind) const
{
    // A table's own change (created, altered, renamed), a column's (schema.table.column), or an
    // object that is a streamed table.
    if (kind.startsWith(u"table ") || m_streamed.contains(object))
        return object;
    if (kind.startsWith(u"column ")) {
        const qsizetype dot = object.lastIndexOf(u'.');
        return dot > 0 ? object.left(dot) : QString();
    }
    return {};
}

void ChangeStream::noteStreamedTables(const QList<SchemaChange> &changes)
{
    for (const SchemaChange &sc : changes)
        if (sc.unresolved() &&
            (sc.kind == u"table joined the stream late" || sc.kind == u"table created without a key" ||
             sc.kind == u"table without a key"))
            m_held.insert(sc.object);
    for (const SchemaChange &sc : changes)
        if (sc.unresolved() && sc.detail.startsWith(kRefusedByTarget))
            if (const QString table = heldTableOf(sc.object, sc.kind); !table.isEmpty())
                m_held.insert(table);
    for (const SchemaChange &sc : changes)
        if (sc.state == u"applied" &&
            (sc.kind == u"table created" || sc.kind == u"table renamed" || sc.kind == u"table moved"))
            m_streamed.insert(sc.object);
    publishHeld();
}

void ChangeStream::applySchemaChange(cdc::Applier &applier, const cdc::Change &c)
{
    QByteArray itemsText;
    QString query, tag;
    for (qsizetype i = 0; i < c.columns.size() && i < c.newTuple.size(); ++i) {
        if (c.columns[i].name == u"items")
            itemsText = c.newTuple[i].text;
        else if (c.columns[i].name == u"query")
            query = QString::fromUtf8(c.newTuple[i].text);
        else if (c.columns[i].name == u"tag")
            tag = QString::fromUtf8(c.newTuple[i].text);
    }
    // CREATE TABLE AS and SELECT INTO fill the table before the capture sees it (and before it
    // joins the publication): its rows are not in the stream, so it is copied once it exists.
    const bool filledByItsCommand = tag == u"CREATE TABLE AS" || tag == u"SELECT INTO";
    QStringList copyAfter;
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(itemsText, &perr);
    if (!doc.isArray())
        throw cdc::DecodeError(QStringLiteral("a schema change record at %1 is not a JSON array (%2)")
                                   .arg(pg::formatLsn(c.lsn), perr.errorString()));
    const QList<cdc::PlannedChange> plan =
        cdc::planSchemaChange(doc.array(), {.keepOwners = m_config.keepOwners});
    QList<SchemaChange> recorded;
    for (const cdc::PlannedChange &p : plan) {
        // A change the target refuses (an object that already exists there, a type or role it
        // lacks) holds only what it concerns: it is rolled back to the savepoint, recorded
        // unresolved with the target's error (the cutover waits for it by name), and the changes
        // of its table are held until the table is copied again; everything else streams on. A
        // lost connection still stops the stream, to resume at this change.
        QString failure;
        if (!p.statements.isEmpty())
            applier.execute(QStringLiteral("SAVEPOINT pgferry_schema_change"), {}, false);
        for (const QString &st : p.statements) {
            try {
                applier.execute(st);
            } catch (const pg::Exception &e) {
                pg::Error err = e.error();
                if (err.retryable() || err.breaksConnection() ||
                    err.category == pg::ErrorCategory::Cancelled) {
                    err.context =
                        QStringLiteral("carrying the schema change \"%1\" of %2 (source LSN %3): %4")
                            .arg(p.kind, p.object, pg::formatLsn(c.lsn), st.left(500));
                    throw pg::Exception(err);
                }
                applier.execute(QStringLiteral("ROLLBACK TO SAVEPOINT pgferry_schema_change"), {}, false);
                failure = err.toString();
                break;
            }
        }
        if (!p.statements.isEmpty() && failure.isEmpty())
            applier.execute(QStringLiteral("RELEASE SAVEPOINT pgferry_schema_change"), {}, false);
        SchemaChange sc{p.object,
                        p.kind,
                        p.statements.isEmpty() ? query.left(2000) : p.statements.join(QStringLiteral(";\n")),
                        p.state,
                        p.detail,
                        pg::formatLsn(c.lsn)};
        const bool filled = filledByItsCommand && p.kind == u"table created" && p.state == u"applied";
        // A table held for want of a key that now has one (test_decoding decodes it all along,
        // so no "joined the stream late" comes for it): it can stream whole once copied again.
        const QString keyedTable =
            p.kind == u"replica identity changed" ? p.object
            : p.kind == u"constraint added" && p.statements.join(u' ').contains(u"PRIMARY KEY")
                ? p.object.left(std::max<qsizetype>(0, p.object.lastIndexOf(u'.')))
                : QString();
        const bool nowKeyed = !keyedTable.isEmpty() && m_held.contains(keyedTable);
        if (failure.isEmpty() && (p.copyAfter || filled || nowKeyed)) {
            // Held from this transaction on, durably (the mark commits with the change), and
            // copied from a new snapshot once the applier is between two source transactions.
            const QString table = nowKeyed ? keyedTable : heldTableOf(p.object, p.kind);
            for (const auto &[sql, params] :
                 resyncMarkStatements(m_config.slot, table, QStringLiteral("pending")))
                applier.execute(sql, params, false);
            sc.state = QStringLiteral("copying");
            if (filled)
                sc.detail =
                    QStringLiteral("%1 filled it before the capture saw it: copied from a new snapshot")
                        .arg(tag);
            if (!copyAfter.contains(table))
                copyAfter << table;
        }
        if (!failure.isEmpty()) {
            const QString table = heldTableOf(p.object, p.kind);
            sc.state = QStringLiteral("unresolved");
            sc.detail = QString(
                kRefusedByTarget + failure + QStringLiteral(". The source ran: ") + query.left(500) +
                (table.isEmpty()
                     ? QStringLiteral(". Make the change on the target by hand; the cutover waits for it.")
                     : QStringLiteral(". The changes of %1 are held: make the change on the target by hand, "
                                      "then copy the table again (pgferry-cli resync FILE --table %1), "
                                      "which joins it to the stream.")
                           .arg(table)));
        }
        applier.execute(
            QStringLiteral(
                "INSERT INTO _pgferry.schema_changes (migration, lsn, object, kind, statement, state, "
                "detail) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            {m_config.slot, sc.lsn, sc.object, sc.kind, sc.statement, sc.state, sc.detail}, false);
        recorded << sc;
    }
    noteStreamedTables(recorded);
    for (const QString &table : std::as_const(copyAfter)) {
        m_held.insert(table);
        requestResync(table);
    }
    if (!copyAfter.isEmpty())
        publishHeld();
    QMutexLocker l(&m_mutex);
    m_stats.schemaChanges << recorded;
}

namespace {

// An error the catalog watch is about to mend: a type, an enum label or a routine it has not
// made yet (42704, 42883, 22P02), or a column the source dropped (23502: NOT NULL on the
// target) or widened (22003, 22001) whose table it has not held for a copy yet.
bool awaitsTheWatch(const pg::Error &err)
{
    // 42P01: a table renamed on the source streams under its new name, which the watch holds
    // (the publication follows a table by its oid).
    return err.sqlstate == u"42704" || err.sqlstate == u"42P01" || err.sqlstate == u"42883" ||
           err.sqlstate == u"23502" || err.sqlstate == u"22003" || err.sqlstate == u"22001" ||
           (err.sqlstate == u"22P02" && err.message.contains(u"enum"));
}

} // namespace

void ChangeStream::applierLoop()
{
    QElapsedTimer awaiting; // since the first error of the kind the watch may mend, at awaitingAt
    pg::Lsn awaitingAt = 0;
    for (int attempt = 0; !stopping(); ++attempt) {
        try {
            applyOnce();
            attempt = 0;
        } catch (const pg::Exception &e) {
            const pg::Error &err = e.error();
            const QString msg = QStringLiteral("applying changes on the target: %1").arg(err.toString());
            const bool watchMayMend = m_config.awaitWatchSeconds > 0 && awaitsTheWatch(err);
            const pg::Lsn applied = stats().applied;
            if (watchMayMend && (!awaiting.isValid() || applied != awaitingAt)) {
                awaiting.start(); // a new wait, not the rest of an earlier one
                awaitingAt = applied;
            }
            if (watchMayMend && awaiting.elapsed() < m_config.awaitWatchSeconds * 1000LL) {
                setError(msg + QStringLiteral(" (waiting for the catalog watch to make it on the target)"),
                         false);
            } else if (!err.retryable() && err.category != pg::ErrorCategory::Cancelled) {
                setError(msg + QStringLiteral(
                                   ". The change was not applied and nothing after it either; fix the cause "
                                   "and run again to resume from the same place."),
                         true);
                break;
            } else {
                setError(msg, false);
            }
        } catch (const cdc::SpoolRewound &e) {
            // Transactions read before they were durable are gone from the spool (the receiver
            // reconnected): read it again; the origin skips what was applied.
            setError(
                QStringLiteral("applying changes: %1; reading it again").arg(QString::fromUtf8(e.what())),
                false);
            {
                QMutexLocker l(&m_mutex);
                ++m_stats.rewinds;
            }
            attempt = 0;
        } catch (const cdc::DecodeError &e) {
            setError(QStringLiteral("decoding the change stream: %1").arg(e.message()), true);
            break;
        } catch (const std::exception &e) {
            setError(QStringLiteral("applying changes: %1").arg(QString::fromUtf8(e.what())), true);
            break;
        }
        {
            QMutexLocker l(&m_mutex);
            m_stats.applying = false;
        }
        sleepWithStop(backoffMs(attempt), [this] { return stopping(); });
    }
    QMutexLocker l(&m_mutex);
    m_stats.applying = false;
}

void ChangeStream::applyOnce()
{
    pg::Connection target =
        pg::Connection::open(withExactTextForms(m_config.target, m_config.sourceEncoding), {.timeout = 15s});
    // The values come as the walsender printed them: pgoutput's in the transfer encoding,
    // test_decoding's lines in the database's own (no client encoding converts them; ASCII
    // identifiers read alike in both).
    load::useClientEncoding(target, m_config.plugin == u"test_decoding"
                                        ? m_config.sourceEncoding
                                        : load::transferEncoding(m_config.sourceEncoding));
    const bool capture = !m_config.ddlLogTable.isEmpty();
    m_streamed = m_config.streamedTables;
    m_held.clear();
    m_syncLsn = m_config.syncLsn;
    if (target.exec(QStringLiteral("SELECT to_regclass('_pgferry.resync') IS NOT NULL")).toBool(0, 0)) {
        pg::Result rs = target.exec(
            QStringLiteral("SELECT tab, lsn FROM _pgferry.resync WHERE migration = $1"), {m_config.slot});
        for (int i = 0; i < rs.rows(); ++i) {
            if (rs.text(i, 1) == u"pending") { // made on the target, not copied yet
                m_held.insert(rs.text(i, 0));
                requestResync(rs.text(i, 0));
                continue;
            }
            m_syncLsn.insert(rs.text(i, 0),
                             std::max(m_syncLsn.value(rs.text(i, 0)), pg::parseLsn(rs.text(i, 1))));
            m_streamed.insert(rs.text(i, 0));
        }
    }
    const bool filterTables = !m_config.streamedTables.isEmpty();
    // What earlier runs carried, or made on the target and copied (the catalog watch's). Without
    // capture, only when the watch recorded something: a fallback applies into the old server,
    // whose database is read-only to everyone else and gets no table of pgferry's.
    if (capture ||
        target.exec(QStringLiteral("SELECT to_regclass('_pgferry.schema_changes') IS NOT NULL")).toBool(0, 0))
        loadSchemaChanges(target);
    takeHoldRequests();
    cdc::Applier applier(target, m_config.originName, m_config.applier);
    pg::Lsn applied = applier.start();
    cdc::PgOutputDecoder pgoutput;
    cdc::TestDecodingParser testDecoding;
    const bool isPgoutput = m_config.plugin == u"pgoutput";
    if (isPgoutput) {
        QList<QByteArray> rels;
        loadRelations(rels);
        for (const QByteArray &r : rels)
            pgoutput.decode(r);
    }
    {
        QMutexLocker l(&m_mutex);
        m_stats.applying = true;
        m_stats.applied = applied;
    }
    cdc::SpoolPosition pos = m_spool.start();
    cdc::SpoolPosition lastCommitPos = pos;
    cdc::SpoolPosition prunable = pos;
    pg::Lsn txnEnd = 0;
    bool skipTxn = false;
    qint64 txnCommitMicros = 0;
    qint64 consumedSinceUpdate = 0;
    QElapsedTimer sincePrune;
    sincePrune.start();
    auto publish = [&](bool flushed) {
        QMutexLocker l(&m_mutex);
        m_stats.applied = std::max(m_stats.applied, applier.appliedLsn());
        m_stats.consumedTxns += consumedSinceUpdate;
        consumedSinceUpdate = 0;
        if (flushed) {
            m_stats.counters = applier.counters();
            m_stats.lastAppliedCommitMicros = txnCommitMicros;
        }
    };
    // The spool is read from its oldest segment: transactions applied before are skipped by
    // their commit position, so a restart repeats nothing.
    {
        QMutexLocker l(&m_mutex);
        m_stats.consumedTxns = 0;
    }
    while (!stopping()) {
        if (m_holdRequested.exchange(false))
            takeHoldRequests();
        if (!applier.inSourceTransaction()) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (auto it = m_resyncRetryAt.begin(); it != m_resyncRetryAt.end();) {
                if (it.value() <= now) {
                    requestResync(it.key());
                    it = m_resyncRetryAt.erase(it);
                } else {
                    ++it;
                }
            }
            QString next;
            {
                QMutexLocker l(&m_mutex);
                if (!m_resyncQueue.isEmpty())
                    next = m_resyncQueue.takeFirst();
            }
            if (!next.isEmpty()) {
                resync(applier, target, next);
                publish(true);
            }
        }
        cdc::SpoolRecord rec;
        if (!m_spool.read(pos, rec)) {
            if (applier.flush()) {
                prunable = lastCommitPos;
                publish(true);
            } else {
                publish(false);
            }
            if (sincePrune.elapsed() > 5000 && !applier.inSourceTransaction()) {
                if (isPgoutput)
                    saveRelations();
                // Only what the target made durable leaves the spool: with asynchronous commits
                // a target crash loses the last ones, and they are applied again from here.
                // (This flushes the target's WAL up to the last commit: everything up to
                // `prunable` is durable once it returns.)
                if (m_config.applier.asynchronousCommit && prunable != m_spool.start())
                    cdc::Applier::originProgress(target, m_config.originName);
                m_spool.pruneBefore(prunable);
                sincePrune.restart();
            }
            m_spool.waitForData(pos, 50); // woken by the receiver's next flush
            continue;
        }
        cdc::Change c =
            isPgoutput ? pgoutput.decode(rec.payload, rec.lsn) : testDecoding.parse(rec.payload, rec.lsn);
        if (c.kind == cdc::Change::Relation || c.kind == cdc::Change::Type) {
            if (isPgoutput)
                m_relationMessages.insert(c.kind == cdc::Change::Relation ? c.relationOid : c.typeOid,
                                          rec.payload);
            if (!skipTxn)
                applier.apply(c);
            continue;
        }
        if (rec.kind == cdc::SpoolKind::Begin) {
            txnEnd = rec.commitLsn;
            // Still arriving (its commit is not in the spool yet): pgoutput's BEGIN names where its
            // commit record starts, which any position at or after its end exceeds.
            if (txnEnd == 0 && isPgoutput && c.commitLsn != 0)
                txnEnd = c.commitLsn + 1;
            // Applied already (committed, or taken into the open batch): never twice.
            skipTxn = txnEnd != 0 && txnEnd <= std::max(applier.appliedLsn(), applier.receivedLsn());
            txnCommitMicros = c.commitTimeMicros;
            if (!skipTxn)
                applier.apply(c);
            continue;
        }
        if (rec.kind == cdc::SpoolKind::Commit) {
            if (c.commitTimeMicros)
                txnCommitMicros = c.commitTimeMicros;
            const pg::Lsn appliedBefore = applier.appliedLsn();
            if (!skipTxn)
                applier.apply(c); // commits the target transaction when a batch limit is reached
            skipTxn = false;
            lastCommitPos = pos;
            ++consumedSinceUpdate;
            if ((applier.flushDue() && applier.flush()) || applier.appliedLsn() != appliedBefore) {
                prunable = lastCommitPos;
                publish(true);
            }
            continue;
        }
        if (skipTxn)
            continue;
        if (c.kind == cdc::Change::Insert || c.kind == cdc::Change::Update || c.kind == cdc::Change::Delete) {
            // pgferry's own tables on the source: the DDL log is carried as schema changes, the
            // rest (the capture's state; test_decoding decodes every table) never leaves.
            if (c.schema == u"_pgferry") {
                if (capture && c.kind == cdc::Change::Insert && c.table == m_config.ddlLogTable)
                    applySchemaChange(applier, c);
                continue;
            }
            // A table outside the migration (excluded, or created on the source and not carried:
            // the catalog watch reports it and holds the cutover).
            if (filterTables && !m_streamed.contains(c.schema + u'.' + c.table))
                continue;
            if (!m_held.isEmpty() && m_held.contains(c.schema + u'.' + c.table))
                continue; // copied again by a resync, which joins it to the stream
            const auto it = m_syncLsn.constFind(c.schema + u'.' + c.table);
            if (it != m_syncLsn.constEnd() && txnEnd != 0 && txnEnd <= it.value())
                continue; // already in that table's copy (which may have dropped or renamed its columns)
            // Without capture a column added on the source reaches the target only by the catalog
            // watch, which adds it there and copies the table again: until then it waits.
            if (!capture && holdIfColumnsMissing(applier, c))
                continue;
        }
        applier.apply(c);
    }
    applier.flush();
    publish(true);
    if (isPgoutput)
        saveRelations();
}

namespace {

// The source decoded past `lsn` (so every transaction that ended before it was sent, and received
// before that keepalive), every received transaction is on disk, and everything on disk is applied
// on the target.
bool drained(const StreamStats &s, pg::Lsn lsn)
{
    return s.sentPtr >= lsn && !s.inTransaction && s.durable >= s.receivedCommit && s.applied >= s.durable &&
           s.pending() == 0;
}

} // namespace

bool ChangeStream::appliedPast(pg::Lsn lsn)
{
    const StreamStats s = stats();
    if (s.applied >= lsn || drained(s, lsn))
        return true;
    m_wantReply = true;
    return false;
}

bool ChangeStream::drainTo(pg::Lsn lsn, int timeoutSeconds, QString *error)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < qint64(timeoutSeconds) * 1000) {
        const StreamStats s = stats();
        if (!s.fatalError.isEmpty()) {
            if (error)
                *error = s.fatalError;
            return false;
        }
        if (drained(s, lsn)) {
            if (!m_config.applier.asynchronousCommit)
                return true;
            // Committed asynchronously: made durable on the target (flushed up to the origin's
            // position) before the caller relies on it.
            try {
                pg::Connection t = pg::Connection::open(m_config.target, {.timeout = 15s});
                if (cdc::Applier::originProgress(t, m_config.originName) >= s.applied)
                    return true;
            } catch (const pg::Exception &e) {
                if (error)
                    *error = e.error().toString(); // tried again until the timeout
            }
        }
        if (m_stop && m_stop->load()) {
            if (error)
                *error = QStringLiteral("stopped");
            return false;
        }
        m_wantReply = true;
        QThread::msleep(100);
    }
    if (error)
        *error = QStringLiteral("pending changes did not reach zero within %1 s").arg(timeoutSeconds);
    return false;
}

} // namespace pgferry::engine
