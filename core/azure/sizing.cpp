#include "azure/sizing.h"
#include "pg/connection.h"
#include "pg/error.h"
#include "pg/maintenance.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QThread>

#include <cmath>

namespace pgferry::azure {

namespace {

struct Sku
{
    const char *name;
    const char *tier;
    int vcores;
    int memoryGb;
    int maxConnections; // the default max_connections of its memory size
};

// Burstable (Bs), General Purpose (Ddsv5), Memory Optimized (Edsv5).
constexpr Sku kSkus[] = {
    {"Standard_B1ms", "Burstable", 1, 2, 50},
    {"Standard_B2s", "Burstable", 2, 4, 429},
    {"Standard_B2ms", "Burstable", 2, 8, 859},
    {"Standard_B4ms", "Burstable", 4, 16, 1718},
    {"Standard_D2ds_v5", "GeneralPurpose", 2, 8, 859},
    {"Standard_D4ds_v5", "GeneralPurpose", 4, 16, 1718},
    {"Standard_D8ds_v5", "GeneralPurpose", 8, 32, 3437},
    {"Standard_D16ds_v5", "GeneralPurpose", 16, 64, 5000},
    {"Standard_D32ds_v5", "GeneralPurpose", 32, 128, 5000},
    {"Standard_D48ds_v5", "GeneralPurpose", 48, 192, 5000},
    {"Standard_D64ds_v5", "GeneralPurpose", 64, 256, 5000},
    {"Standard_D96ds_v5", "GeneralPurpose", 96, 384, 5000},
    {"Standard_E2ds_v5", "MemoryOptimized", 2, 16, 1718},
    {"Standard_E4ds_v5", "MemoryOptimized", 4, 32, 3437},
    {"Standard_E8ds_v5", "MemoryOptimized", 8, 64, 5000},
    {"Standard_E16ds_v5", "MemoryOptimized", 16, 128, 5000},
    {"Standard_E20ds_v5", "MemoryOptimized", 20, 160, 5000},
    {"Standard_E32ds_v5", "MemoryOptimized", 32, 256, 5000},
    {"Standard_E48ds_v5", "MemoryOptimized", 48, 384, 5000},
    {"Standard_E64ds_v5", "MemoryOptimized", 64, 512, 5000},
    {"Standard_E96ds_v5", "MemoryOptimized", 96, 672, 5000},
};

struct Disk
{
    int gb;
    const char *tier;
    int iops;
};
constexpr Disk kDisks[] = {{32, "P4", 120},       {64, "P6", 240},      {128, "P10", 500},
                           {256, "P15", 1100},    {512, "P20", 2300},   {1024, "P30", 5000},
                           {2048, "P40", 7500},   {4096, "P50", 7500},  {8192, "P60", 16000},
                           {16384, "P70", 18000}, {32767, "P80", 20000}};

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kTpsPerVcore = 1500; // a rough OLTP figure; the reason says so
constexpr double kIoBytes = 8192;     // one IO of WAL or data, PostgreSQL's page

QString gib(double bytes)
{
    return QString::number(bytes / kGiB, 'f', bytes < 10 * kGiB ? 2 : 1) + QStringLiteral(" GiB");
}
QString mib(double bytes)
{
    return QString::number(bytes / (1024.0 * 1024.0), 'f', 2) + QStringLiteral(" MiB");
}

qint64 settingBytes(const QString &setting, const QString &unit)
{
    const qint64 v = setting.toLongLong();
    if (unit == u"8kB")
        return v * 8192;
    if (unit == u"kB")
        return v * 1024;
    if (unit == u"MB")
        return v * 1024 * 1024;
    return v;
}

} // namespace

SourceLoad SourceLoad::measure(const pg::ConnInfo &maintenance, const QStringList &databases,
                               std::chrono::milliseconds sample)
{
    pg::Connection c =
        pg::openMaintenance(maintenance, [](const pg::ConnInfo &i) { return pg::Connection::open(i); });
    SourceLoad l;
    l.version = c.serverVersion();
    pg::Result s = c.exec(QStringLiteral("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                                         "('max_connections', 'shared_buffers', 'work_mem')"));
    for (int i = 0; i < s.rows(); ++i) {
        const QString name = s.text(i, 0);
        if (name == u"max_connections")
            l.maxConnections = s.text(i, 1).toInt();
        else if (name == u"shared_buffers")
            l.sharedBuffersBytes = settingBytes(s.text(i, 1), s.text(i, 2));
        else
            l.workMemBytes = settingBytes(s.text(i, 1), s.text(i, 2));
    }
    for (const QString &db : databases) {
        pg::Result r =
            c.exec(QStringLiteral("SELECT pg_database_size(oid) FROM pg_database WHERE datname = $1"), {db});
        if (r.rows() == 0)
            throw pg::Exception(pg::Error::client(
                pg::ErrorCategory::NotFound,
                QStringLiteral("the source has no database \"%1\"; fix the project's database list")
                    .arg(db)));
        l.databases.append({db, r.toInt(0, 0)});
        l.totalBytes += r.toInt(0, 0);
    }
    l.connectionsInUse = int(c.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity")).toInt(0, 0));
    const bool ten = l.version >= 100000;
    const QString lsn =
        ten ? QStringLiteral(
                  "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END")
            : QStringLiteral("CASE WHEN pg_is_in_recovery() THEN pg_last_xlog_replay_location() ELSE "
                             "pg_current_xlog_location() END");
    const QString reading =
        QStringLiteral(
            "SELECT (SELECT sum(xact_commit + xact_rollback) FROM pg_stat_database)::bigint, (%1)::text")
            .arg(lsn);
    QElapsedTimer timer;
    pg::Result before = c.exec(reading);
    timer.start();
    QThread::msleep(std::max<qint64>(0, sample.count()));
    // The counters of the statistics collector lag by up to half a second before PostgreSQL 15.
    pg::Result after = c.exec(reading);
    l.sampleSeconds = std::max(0.001, timer.elapsed() / 1000.0);
    const QString diff = ten ? QStringLiteral("SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint")
                             : QStringLiteral("SELECT pg_xlog_location_diff($1, $2)::bigint");
    const qint64 walBytes = c.exec(diff, {after.text(0, 1), before.text(0, 1)}).toInt(0, 0);
    // Our own two readings are transactions too: leave them out.
    const qint64 xacts = std::max<qint64>(0, after.toInt(0, 0) - before.toInt(0, 0) - 2);
    l.transactionsPerSecond = xacts / l.sampleSeconds;
    l.walBytesPerSecond = std::max<qint64>(0, walBytes) / l.sampleSeconds;
    return l;
}

QJsonObject SourceLoad::toJson() const
{
    QJsonArray dbs;
    for (const auto &[name, bytes] : databases)
        dbs.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("bytes"), bytes}});
    return {{QStringLiteral("server_version_num"), version},
            {QStringLiteral("databases"), dbs},
            {QStringLiteral("total_bytes"), totalBytes},
            {QStringLiteral("max_connections"), maxConnections},
            {QStringLiteral("connections_in_use"), connectionsInUse},
            {QStringLiteral("shared_buffers_bytes"), sharedBuffersBytes},
            {QStringLiteral("work_mem_bytes"), workMemBytes},
            {QStringLiteral("sample_seconds"), sampleSeconds},
            {QStringLiteral("transactions_per_second"), transactionsPerSecond},
            {QStringLiteral("wal_bytes_per_second"), walBytesPerSecond}};
}

QJsonObject SizeRecommendation::toJson() const
{
    return {{QStringLiteral("sku"), sku},
            {QStringLiteral("tier"), tier},
            {QStringLiteral("vcores"), vcores},
            {QStringLiteral("memory_gb"), memoryGb},
            {QStringLiteral("max_connections"), maxConnections},
            {QStringLiteral("storage_gb"), storageGb},
            {QStringLiteral("storage_tier"), storageTier},
            {QStringLiteral("iops"), iops},
            {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)},
            {QStringLiteral("caveats"), QJsonArray::fromStringList(caveats)}};
}

SizeRecommendation recommendSize(const SourceLoad &l)
{
    SizeRecommendation r;

    // Storage: 1.25 x the data, the next size offered; larger while the WAL rate would use more than
    // half of the disk's IOPS.
    const double neededGb = 1.25 * double(l.totalBytes) / kGiB;
    const Disk *disk = &kDisks[std::size(kDisks) - 1];
    for (const Disk &d : kDisks)
        if (d.gb >= neededGb) {
            disk = &d;
            break;
        }
    r.reasons << QStringLiteral("storage_gb %1 (%2, %3 IOPS): the migrated databases hold %4; 1.25 x that is "
                                "%5 GiB, rounded up to the "
                                "next size flexible server offers (storage can grow later, never shrink)")
                     .arg(disk->gb)
                     .arg(QString::fromLatin1(disk->tier))
                     .arg(disk->iops)
                     .arg(gib(double(l.totalBytes)), QString::number(neededGb, 'f', 1));
    if (neededGb > kDisks[std::size(kDisks) - 1].gb)
        r.caveats << QStringLiteral(
            "the data needs more than the largest disk (32 TiB); split the databases over several servers");
    const double walIops = l.walBytesPerSecond / kIoBytes;
    const Disk *forData = disk;
    while (walIops > disk->iops / 2.0 && disk != &kDisks[std::size(kDisks) - 1])
        ++disk;
    if (disk != forData)
        r.reasons << QStringLiteral("storage raised to %1 GB (%2, %3 IOPS): the source writes %4/s of WAL, "
                                    "about %5 IOPS of 8 KiB, more than "
                                    "half of what %6 offers")
                         .arg(disk->gb)
                         .arg(QString::fromLatin1(disk->tier))
                         .arg(disk->iops)
                         .arg(mib(l.walBytesPerSecond))
                         .arg(std::lround(walIops))
                         .arg(QString::fromLatin1(forData->tier));
    r.storageGb = disk->gb;
    r.storageTier = QString::fromLatin1(disk->tier);
    r.iops = disk->iops;

    // CPU from the transaction rate; memory from the cache the source keeps and the sorts its
    // connections may run; connections from the source's limit.
    const int cpuVcores = std::max(2, int(std::ceil(l.transactionsPerSecond / kTpsPerVcore)));
    const double cacheGb = 4.0 * double(l.sharedBuffersBytes) / kGiB;
    const double sortGb = double(l.connectionsInUse) * double(l.workMemBytes) / kGiB;
    const double memoryGb = std::max(2.0, cacheGb + sortGb);
    const int connections = std::min(l.maxConnections, 5000);

    const bool light = l.transactionsPerSecond < 20 && l.walBytesPerSecond < 256 * 1024 &&
                       l.totalBytes <= 32 * kGiB && memoryGb <= 8 && connections <= 859;
    auto fits = [&](const Sku &s) {
        return s.vcores >= cpuVcores && s.memoryGb >= memoryGb && s.maxConnections >= connections;
    };
    auto smallest = [&](const char *tier) -> const Sku * {
        for (const Sku &s : kSkus)
            if (qstrcmp(s.tier, tier) == 0 && fits(s))
                return &s;
        return nullptr;
    };
    const Sku *chosen = nullptr;
    if (light) {
        for (const Sku &s : kSkus)
            if (qstrcmp(s.name, "Standard_B2ms") == 0)
                chosen = &s;
        r.reasons << QStringLiteral("tier Burstable: a light load (%1 transactions/s, %2/s of WAL, %3 of "
                                    "data) fits Standard_B2ms")
                         .arg(l.transactionsPerSecond, 0, 'f', 1)
                         .arg(mib(l.walBytesPerSecond), gib(double(l.totalBytes)));
    } else {
        const Sku *gp = smallest("GeneralPurpose");
        const Sku *mo = smallest("MemoryOptimized");
        chosen = gp;
        if (mo && (!gp || mo->vcores < gp->vcores)) {
            chosen = mo;
            r.reasons << QStringLiteral("tier MemoryOptimized: %1 GiB of memory and %2 connections take %3 "
                                        "vCores of Memory Optimized "
                                        "(8 GiB each) but %4 of General Purpose (4 GiB each)")
                             .arg(memoryGb, 0, 'f', 1)
                             .arg(connections)
                             .arg(mo->vcores)
                             .arg(gp ? QString::number(gp->vcores) : QStringLiteral("more than 96"));
        } else if (gp) {
            r.reasons << QStringLiteral(
                "tier GeneralPurpose: CPU rather than memory sets the size (4 GiB per vCore is enough)");
        }
        if (!chosen) {
            chosen = &kSkus[std::size(kSkus) - 1];
            r.caveats << QStringLiteral("no single SKU meets every figure; %1 is the largest: spread the "
                                        "load (read replicas, a pooler)")
                             .arg(QString::fromLatin1(chosen->name));
        }
    }
    r.sku = QString::fromLatin1(chosen->name);
    r.tier = QString::fromLatin1(chosen->tier);
    r.vcores = chosen->vcores;
    r.memoryGb = chosen->memoryGb;
    r.maxConnections = chosen->maxConnections;
    r.reasons << QStringLiteral("vcores %1: %2 transactions/s measured over %3 s, at about %4 per vCore for "
                                "OLTP work, needs %5 (at least 2)")
                     .arg(r.vcores)
                     .arg(l.transactionsPerSecond, 0, 'f', 1)
                     .arg(l.sampleSeconds, 0, 'f', 1)
                     .arg(kTpsPerVcore)
                     .arg(cpuVcores);
    r.reasons << QStringLiteral("memory %1 GiB: the source's shared_buffers (%2) x 4, since Azure gives "
                                "shared_buffers 25% of memory, plus "
                                "work_mem (%3) for each of the %4 connections in use: %5 GiB")
                     .arg(r.memoryGb)
                     .arg(gib(double(l.sharedBuffersBytes)), mib(double(l.workMemBytes)))
                     .arg(l.connectionsInUse)
                     .arg(memoryGb, 0, 'f', 1);
    r.reasons << QStringLiteral("max_connections %1 on %2, for the source's max_connections of %3%4")
                     .arg(r.maxConnections)
                     .arg(r.sku)
                     .arg(l.maxConnections)
                     .arg(l.maxConnections > 5000
                              ? QStringLiteral(" (more than any SKU allows: put PgBouncer, built into "
                                               "flexible server, in front)")
                              : QString());
    r.caveats << QStringLiteral(
        "Burstable runs on CPU credits: a sustained load, such as the migration's full load and catch-up, "
        "uses them up "
        "and the server slows to its baseline; it has no high availability. Choose it for development or "
        "light, "
        "spiky loads only; a General Purpose server can be scaled down after the migration.");
    r.caveats << QStringLiteral("the rates come from a %1 s sample of this moment: measure during a busy "
                                "hour (--sample-seconds) before you "
                                "choose")
                     .arg(l.sampleSeconds, 0, 'f', 1);
    return r;
}

} // namespace pgferry::azure
