#include "load/objects.h"

namespace pgferry::load {

namespace {

// Writes one large object's content on the target as the source has it now, in one transaction;
// returns its size.
qint64 copyLargeObject(pg::Connection &source, pg::Connection &target, const QString &oid)
{
    constexpr qint64 chunk = 1 << 20;
    qint64 bytes = 0;
    target.exec(QStringLiteral("BEGIN"));
    try {
        // Exists on the target (created by the schema restore with its owner and grants)?
        pg::Result have =
            target.exec(QStringLiteral("SELECT 1 FROM pg_largeobject_metadata WHERE oid = $1::oid"), {oid});
        if (have.rows() == 0)
            target.exec(QStringLiteral("SELECT lo_create($1::oid)"), {oid});
        // Empty it first when a previous attempt wrote something (truncating an empty object
        // would add an empty page the source does not have).
        pg::Result has = target.exec(QStringLiteral("SELECT length(lo_get($1::oid, 0, 1)) > 0"), {oid});
        if (has.toBool(0, 0))
            target.exec(QStringLiteral("SELECT lo_truncate(lo_open($1::oid, 131072), 0)"), {oid});
        for (qint64 off = 0;; off += chunk) {
            pg::Result part = source.exec(QStringLiteral("SELECT encode(lo_get($1::oid, $2, $3), 'hex')"),
                                          {oid, off, chunk});
            const QString hex = part.text(0, 0);
            if (hex.isEmpty())
                break;
            target.exec(QStringLiteral("SELECT lo_put($1::oid, $2, decode($3, 'hex'))"), {oid, off, hex});
            bytes += hex.size() / 2;
            if (hex.size() / 2 < chunk)
                break;
        }
        target.exec(QStringLiteral("COMMIT"));
    } catch (...) {
        target.tryExec(QStringLiteral("ROLLBACK"));
        throw;
    }
    return bytes;
}

void checkStop(const std::atomic_bool *stop)
{
    if (stop && stop->load())
        throw pg::Exception(pg::Error::client(pg::ErrorCategory::Cancelled, QStringLiteral("stopped")));
}

} // namespace

qint64 copyLargeObjects(pg::Connection &source, pg::Connection &target, const std::atomic_bool *stop)
{
    pg::Result los = source.exec(QStringLiteral("SELECT oid FROM pg_largeobject_metadata ORDER BY 1"));
    qint64 bytes = 0;
    for (int i = 0; i < los.rows(); ++i) {
        checkStop(stop);
        bytes += copyLargeObject(source, target, los.text(i, 0));
    }
    return bytes;
}

QMap<quint32, QString> largeObjectDigests(pg::Connection &c)
{
    pg::Result r =
        c.exec(QStringLiteral("SELECT oid, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY 1"));
    QMap<quint32, QString> out;
    for (int i = 0; i < r.rows(); ++i)
        out.insert(quint32(r.toInt(i, 0)), r.text(i, 1));
    return out;
}

LargeObjectSync syncLargeObjects(pg::Connection &source, pg::Connection &target, bool verify,
                                 const std::atomic_bool *stop)
{
    LargeObjectSync sync;
    const QMap<quint32, QString> want = largeObjectDigests(source);
    const QMap<quint32, QString> have = largeObjectDigests(target);
    for (auto it = want.cbegin(); it != want.cend(); ++it) {
        const auto there = have.constFind(it.key());
        if (there != have.cend() && there.value() == it.value())
            continue;
        checkStop(stop);
        sync.bytes += copyLargeObject(source, target, QString::number(it.key()));
        (there == have.cend() ? sync.created : sync.rewritten) << it.key();
    }
    for (auto it = have.cbegin(); it != have.cend(); ++it)
        if (!want.contains(it.key())) {
            checkStop(stop);
            target.exec(QStringLiteral("SELECT lo_unlink($1::oid)"), {QString::number(it.key())});
            sync.removed << it.key();
        }
    sync.compared = int(want.size());
    if (verify)
        sync.identical = largeObjectDigests(target) == want;
    return sync;
}

namespace {
// The sequences the cutover carries: every one outside the system schemas not owned by an extension.
const QString kSequencesSql = QStringLiteral(
    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
    "                AND d.deptype = 'e')");
} // namespace

QStringList unreadableSequences(pg::Connection &source)
{
    pg::Result r = source.exec(kSequencesSql +
                               QStringLiteral(" AND NOT has_table_privilege(c.oid, 'SELECT') ORDER BY 1, 2"));
    QStringList out;
    for (int i = 0; i < r.rows(); ++i)
        out << source.qualified(r.text(i, 0), r.text(i, 1));
    return out;
}

QList<SequenceValue> readSequences(pg::Connection &source)
{
    pg::Result seqs = source.exec(kSequencesSql + QStringLiteral(" ORDER BY 1, 2"));
    QList<SequenceValue> out;
    for (int i = 0; i < seqs.rows(); ++i) {
        SequenceValue v;
        v.schema = seqs.text(i, 0);
        v.name = seqs.text(i, 1);
        pg::Result s = source.exec(
            QStringLiteral("SELECT last_value, is_called FROM %1").arg(source.qualified(v.schema, v.name)));
        v.lastValue = s.toInt(0, 0);
        v.isCalled = s.toBool(0, 1);
        out.append(v);
    }
    return out;
}

QStringList writeSequences(pg::Connection &target, const QList<SequenceValue> &values)
{
    QStringList missing;
    for (const SequenceValue &v : values) {
        const QString q = target.qualified(v.schema, v.name);
        pg::Result exists = target.exec(QStringLiteral("SELECT to_regclass($1) IS NOT NULL"), {q});
        if (!exists.toBool(0, 0)) {
            missing << v.schema + u'.' + v.name;
            continue;
        }
        target.exec(QStringLiteral("SELECT setval($1::regclass, $2, $3)"), {q, v.lastValue, v.isCalled});
    }
    return missing;
}

} // namespace pgferry::load
