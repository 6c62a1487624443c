#include "pg/replication.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QtEndian>
#include <libpq-fe.h>
#include <optional>
#include <thread>

namespace pgferry::pg {

namespace {

using Clock = std::chrono::steady_clock;

bool validSlotName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9_]{1,63}$"));
    return re.match(name).hasMatch();
}

quint64 readU64(const char *p)
{
    return qFromBigEndian<quint64>(reinterpret_cast<const uchar *>(p));
}

} // namespace

qint64 pgEpochMicrosNow()
{
    // 946684800 seconds between 1970-01-01 and 2000-01-01.
    return QDateTime::currentMSecsSinceEpoch() * 1000 - 946684800000000LL;
}

ReplicationConnection ReplicationConnection::open(const ConnInfo &info, const ConnectOptions &options)
{
    ConnectOptions o = options;
    o.replication = true;
    ReplicationConnection rc;
    rc.m_conn = Connection::open(info, o);
    return rc;
}

SystemIdentity ReplicationConnection::identifySystem()
{
    Result r = m_conn.exec(QStringLiteral("IDENTIFY_SYSTEM"));
    SystemIdentity id;
    if (r.rows() != 1 || r.columns() < 3)
        throw Exception(
            Error::client(ErrorCategory::Protocol, QStringLiteral("unexpected IDENTIFY_SYSTEM answer")));
    id.systemId = r.text(0, 0);
    id.timeline = int(r.toInt(0, 1));
    id.xlogpos = parseLsn(r.text(0, 2));
    if (r.columns() >= 4)
        id.dbname = r.text(0, 3);
    return id;
}

CreatedSlot ReplicationConnection::createLogicalSlot(const QString &name, const QString &plugin,
                                                     bool exportSnapshot, bool temporary)
{
    if (!validSlotName(name))
        throw Exception(Error::client(
            ErrorCategory::Data,
            QStringLiteral("invalid replication slot name \"%1\": use a-z, 0-9 and _").arg(name)));
    if (!validSlotName(plugin))
        throw Exception(Error::client(ErrorCategory::Data, QStringLiteral("invalid output plugin name")));
    const int version = m_conn.serverVersion();
    QString sql = QStringLiteral("CREATE_REPLICATION_SLOT ") + name;
    if (temporary && version >= 100000)
        sql += QStringLiteral(" TEMPORARY");
    sql += QStringLiteral(" LOGICAL ") + plugin;
    if (version >= 100000)
        sql += exportSnapshot ? QStringLiteral(" EXPORT_SNAPSHOT") : QStringLiteral(" NOEXPORT_SNAPSHOT");
    Result r = m_conn.exec(sql);
    CreatedSlot s;
    s.name = r.text(0, 0);
    s.consistentPoint = parseLsn(r.text(0, 1));
    s.snapshotName = r.text(0, 2);
    s.plugin = r.text(0, 3);
    return s;
}

void ReplicationConnection::dropSlot(const QString &name, bool wait)
{
    if (!validSlotName(name))
        throw Exception(Error::client(ErrorCategory::Data, QStringLiteral("invalid replication slot name")));
    QString sql = QStringLiteral("DROP_REPLICATION_SLOT ") + name;
    if (wait && m_conn.serverVersion() >= 100000)
        sql += QStringLiteral(" WAIT");
    m_conn.exec(sql);
}

void ReplicationConnection::startLogical(const QString &slot, Lsn start,
                                         const QList<std::pair<QString, QString>> &pluginOptions)
{
    if (!validSlotName(slot))
        throw Exception(Error::client(ErrorCategory::Data, QStringLiteral("invalid replication slot name")));
    QString sql =
        QStringLiteral("START_REPLICATION SLOT ") + slot + QStringLiteral(" LOGICAL ") + formatLsn(start);
    if (!pluginOptions.isEmpty()) {
        QStringList parts;
        for (const auto &[k, v] : pluginOptions)
            parts << m_conn.quoteIdent(k) + u' ' + m_conn.quoteLiteral(v);
        sql += QStringLiteral(" (") + parts.join(QStringLiteral(", ")) + u')';
    }
    const QByteArray q = sql.toUtf8();
    if (!PQsendQuery(m_conn.raw(), q.constData()))
        throw Exception(m_conn.connectionError(QStringLiteral("starting replication")));
    // Wait for CopyBoth (or an error).
    while (true) {
        while (PQisBusy(m_conn.raw())) {
            m_conn.waitSocket(false, Clock::now() + std::chrono::seconds(60));
            if (!PQconsumeInput(m_conn.raw()))
                throw Exception(m_conn.connectionError(QStringLiteral("starting replication")));
        }
        pg_result *r = PQgetResult(m_conn.raw());
        if (!r)
            throw Exception(m_conn.connectionError(QStringLiteral("starting replication")));
        const auto st = PQresultStatus(r);
        if (st == PGRES_COPY_BOTH) {
            PQclear(r);
            break;
        }
        Error e = m_conn.resultError(r, QStringLiteral("starting replication from slot %1").arg(slot));
        PQclear(r);
        while (pg_result *rest = PQgetResult(m_conn.raw()))
            PQclear(rest);
        throw Exception(e);
    }
    m_streaming = true;
}

ReplicationMessage ReplicationConnection::read(std::chrono::milliseconds timeout)
{
    ReplicationMessage msg;
    std::optional<Clock::time_point> deadline; // only read the clock when there is nothing to return
    while (true) {
        char *buf = nullptr;
        const int n = PQgetCopyData(m_conn.raw(), &buf, 1);
        if (n > 0) {
            const char kind = buf[0];
            if (kind == 'w' && n >= 25) {
                msg.kind = ReplicationMessage::Kind::XLogData;
                msg.walStart = readU64(buf + 1);
                msg.walEnd = readU64(buf + 9);
                msg.sendTime = qint64(readU64(buf + 17));
                msg.data = QByteArray(buf + 25, n - 25);
            } else if (kind == 'k' && n >= 18) {
                msg.kind = ReplicationMessage::Kind::Keepalive;
                msg.walEnd = readU64(buf + 1);
                msg.sendTime = qint64(readU64(buf + 9));
                msg.replyRequested = buf[17] != 0;
            } else {
                PQfreemem(buf);
                throw Exception(Error::client(
                    ErrorCategory::Protocol,
                    QStringLiteral("unexpected replication message '%1'").arg(QChar::fromLatin1(kind))));
            }
            PQfreemem(buf);
            m_inBurst = true;
            return msg;
        }
        if (n == -1) {
            // Server ended the stream: collect the final result (an error, perhaps).
            m_streaming = false;
            pg_result *r = PQgetResult(m_conn.raw());
            std::optional<Error> err;
            if (r && PQresultStatus(r) == PGRES_FATAL_ERROR)
                err = m_conn.resultError(r, QStringLiteral("replication stream"));
            if (r)
                PQclear(r);
            while (pg_result *rest = PQgetResult(m_conn.raw()))
                PQclear(rest);
            if (err)
                throw Exception(*err);
            msg.kind = ReplicationMessage::Kind::End;
            return msg;
        }
        if (n == -2)
            throw Exception(m_conn.connectionError(QStringLiteral("reading the replication stream")));
        if (m_inBurst && m_burstNap.count() > 0) {
            m_inBurst = false;
            std::this_thread::sleep_for(m_burstNap);
            if (!PQconsumeInput(m_conn.raw()))
                throw Exception(m_conn.connectionError(QStringLiteral("reading the replication stream")));
            continue;
        }
        m_inBurst = false;
        if (!deadline)
            deadline = Clock::now() + timeout;
        if (Clock::now() >= *deadline)
            return msg; // Kind::None
        try {
            m_conn.waitSocket(false, *deadline, false);
        } catch (const Exception &e) {
            if (e.error().category == ErrorCategory::Timeout)
                return msg;
            throw;
        }
        if (!PQconsumeInput(m_conn.raw()))
            throw Exception(m_conn.connectionError(QStringLiteral("reading the replication stream")));
    }
}

void ReplicationConnection::sendStatus(Lsn written, Lsn flushed, Lsn applied, bool replyRequested)
{
    char buf[34];
    buf[0] = 'r';
    qToBigEndian<quint64>(written, reinterpret_cast<uchar *>(buf + 1));
    qToBigEndian<quint64>(flushed, reinterpret_cast<uchar *>(buf + 9));
    qToBigEndian<quint64>(applied, reinterpret_cast<uchar *>(buf + 17));
    qToBigEndian<quint64>(quint64(pgEpochMicrosNow()), reinterpret_cast<uchar *>(buf + 25));
    buf[33] = replyRequested ? 1 : 0;
    if (PQputCopyData(m_conn.raw(), buf, sizeof buf) != 1 || PQflush(m_conn.raw()) != 0)
        throw Exception(m_conn.connectionError(QStringLiteral("sending standby status")));
}

void ReplicationConnection::endStreaming()
{
    if (!m_streaming)
        return;
    PQputCopyEnd(m_conn.raw(), nullptr);
    PQflush(m_conn.raw());
    // Drain what the server still sends until it finishes the COPY.
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    bool finished = false;
    while (Clock::now() < deadline) {
        char *buf = nullptr;
        const int n = PQgetCopyData(m_conn.raw(), &buf, 1);
        if (buf)
            PQfreemem(buf);
        if (n == -1) {
            finished = true;
            break;
        }
        if (n == -2)
            break;
        if (n == 0) {
            try {
                m_conn.waitSocket(false, deadline, false);
            } catch (const Exception &) {
                break;
            }
            PQconsumeInput(m_conn.raw());
        }
    }
    if (!finished) {
        // The server never ended the COPY (a stalled link): PQgetResult would hand back the COPY
        // state for ever. The session is beyond repair; drop it.
        m_conn.close();
        m_streaming = false;
        return;
    }
    // The COPY is over: what is left are its final results (a blocking read, but the server has
    // already sent them with the CopyDone).
    while (pg_result *r = PQgetResult(m_conn.raw()))
        PQclear(r);
    m_streaming = false;
}

} // namespace pgferry::pg
