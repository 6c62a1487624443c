#include "sampleservices.h"

#include "coreservices.h"
#include "format.h"
#include "sampleazuresession.h"

#include <QDateTime>
#include <cmath>

namespace pgferry::wizard {

namespace {
struct SampleDb
{
    const char *name;
    const char *target;
    int tables;
    qint64 bytes;
    double loadSeconds; // how long its full load takes in the sample
};
const SampleDb kDbs[] = {{"orders", "orders", 14, 48LL << 30, 2400},
                         {"inventory", "inventory", 38, 12LL << 30, 900},
                         {"billing", "billing", 9, 6LL << 30, 500},
                         {"crm", "crm_prod", 22, 3LL << 30, 400},
                         {"analytics", "analytics", 61, 95LL << 30, 5200}};
const char *const kTables[] = {"order_lines", "orders",     "customers",       "payments",
                               "shipments",   "products",   "stock_movements", "invoices",
                               "addresses",   "audit_log",  "price_history",   "returns",
                               "carriers",    "warehouses", "events",          "sessions"};
} // namespace

project::Project SampleServices::sampleProject()
{
    project::Project p;
    p.id = QStringLiteral("6f1c2a1e-8a44-4f7e-9d8b-2c1e0b7a5d10");
    p.name = QStringLiteral("Contoso orders to Azure");
    p.mode = project::Mode::Online;
    p.engine = project::Engine::Local;
    p.source.host = QStringLiteral("db1.contoso.internal");
    p.source.user = QStringLiteral("migrator");
    p.source.sslmode = QStringLiteral("require");
    p.target.host = QStringLiteral("contoso-pg.postgres.database.azure.com");
    p.target.user = QStringLiteral("pgadmin");
    p.target.sslmode = QStringLiteral("verify-full");
    p.target.azureResourceId = QStringLiteral(
        "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-contoso-data/providers/"
        "Microsoft.DBforPostgreSQL/flexibleServers/contoso-pg");
    p.azure.subscriptionId = QStringLiteral("0b1f6471-1bf0-4dda-aec3-111122223333");
    p.azure.resourceGroup = QStringLiteral("rg-contoso-data");
    p.azure.serverName = QStringLiteral("contoso-pg");
    p.azure.migrationName = QStringLiteral("contoso-orders-to-azure-20250301");
    for (const SampleDb &d : kDbs) {
        project::DatabaseSelection s;
        s.name = QString::fromLatin1(d.name);
        if (qstrcmp(d.name, d.target) != 0)
            s.targetName = QString::fromLatin1(d.target);
        if (qstrcmp(d.name, "analytics") == 0)
            s.excludeTables = {QStringLiteral("staging.*"), QStringLiteral("public.tmp_import")};
        p.databases.append(s);
    }
    p.settings.jobs = 8;
    return p;
}

assess::ServerInventory SampleServices::sampleInventory()
{
    assess::ServerInventory inv;
    inv.serverVersion = 120017;
    inv.versionText = QStringLiteral("12.17");
    inv.walLevel = QStringLiteral("logical");
    inv.user = QStringLiteral("migrator");
    inv.superuser = false;
    for (const SampleDb &d : kDbs)
        inv.databases.append({QString::fromLatin1(d.name),
                              QStringLiteral("app_owner"),
                              QStringLiteral("UTF8"),
                              d.bytes,
                              d.tables,
                              {}});
    inv.databases.append({QStringLiteral("legacy_reports"),
                          QStringLiteral("postgres"),
                          QStringLiteral("LATIN1"),
                          2LL << 30,
                          17,
                          {}});
    inv.databases.append(
        {QStringLiteral("postgres"), QStringLiteral("postgres"), QStringLiteral("UTF8"), 8LL << 20, 0, {}});
    std::sort(inv.databases.begin(), inv.databases.end(),
              [](const auto &a, const auto &b) { return a.name < b.name; });
    return inv;
}

AssessmentResult SampleServices::sampleAssessment()
{
    using assess::Check;
    using assess::FixTarget;
    assess::AssessmentReport report;
    report.checks = {
        {QStringLiteral("version"),
         Severity::Pass,
         {},
         {},
         tr("Source PostgreSQL 12.17, target 16.2: a supported upgrade path."),
         {}},
        {QStringLiteral("wal_level"),
         Severity::Pass,
         {},
         {},
         tr("wal_level is logical; replication slots available: 10."),
         {}},
        {QStringLiteral("extensions"),
         Severity::Pass,
         {},
         {},
         tr("All 7 extensions in use are allow-listed on the target."),
         {}},
        {QStringLiteral("no_primary_key"),
         Severity::Warning,
         QStringLiteral("analytics"),
         {QStringLiteral("public.page_views"), QStringLiteral("public.raw_clicks")},
         tr("2 tables have neither a primary key nor a replica identity: their updates and deletes cannot be "
            "streamed."),
         tr("Add a primary key, or ALTER TABLE … REPLICA IDENTITY FULL (slower on the target).")},
        {QStringLiteral("unlogged"),
         Severity::Info,
         QStringLiteral("inventory"),
         {QStringLiteral("public.stock_cache")},
         tr("1 unlogged table is copied once; its later changes are not in the WAL and are not streamed."),
         tr("Nothing to do if the table is a cache.")},
        {QStringLiteral("large_objects"),
         Severity::Warning,
         QStringLiteral("billing"),
         {QStringLiteral("412 large objects")},
         tr("Large objects are copied during the full load but not streamed."),
         tr("Avoid changing large objects during the migration, or cut over soon after the load.")},
        {QStringLiteral("replication_role"),
         Severity::Pass,
         {},
         {QStringLiteral("migrator")},
         tr("migrator has REPLICATION and can read every table."),
         {}},
        {QStringLiteral("encoding"), Severity::Pass, {}, {}, tr("Source and target use UTF8."), {}},
    };
    // The fix, as core's checks carry it, keeping the remediation's wording above.
    Check &noKey = report.checks[3];
    const QString remediation = noKey.remediation;
    noKey.setFixes({{FixTarget::SourceSql, QStringLiteral("analytics"),
                     QStringLiteral("ALTER TABLE public.page_views REPLICA IDENTITY FULL;\nALTER TABLE "
                                    "public.raw_clicks REPLICA IDENTITY FULL;")}});
    noKey.remediation = remediation;
    return AssessmentResult::fromReport(report, tr("pgferry assessment: %1").arg(sampleProject().name));
}

engine::MigrationStatus SampleServices::sampleStatus(double t)
{
    using namespace engine;
    MigrationStatus s;
    s.projectId = sampleProject().id;
    s.mode = QStringLiteral("online");
    s.startedAt = QDateTime(QDate(2025, 3, 1), QTime(9, 0));
    s.updatedAt = s.startedAt.addMSecs(qint64(t * 1000));
    s.state = RunState::Running;
    int dbIndex = 0;
    for (const SampleDb &db : kDbs) {
        DatabaseStatus d;
        d.name = QString::fromLatin1(db.name);
        d.targetName = QString::fromLatin1(db.target);
        d.tablesTotal = db.tables;
        d.bytesTotal = db.bytes;
        const double frac = std::min(1.0, t / db.loadSeconds);
        d.tablesDone = int(std::floor(frac * db.tables));
        d.tablesLoading = frac < 1.0 ? std::min(2, db.tables - d.tablesDone) : 0;
        d.tablesQueued = db.tables - d.tablesDone - d.tablesLoading;
        d.bytesCopied = qint64(frac * double(db.bytes));
        d.rowsCopied = d.bytesCopied / 180;
        const double wobble =
            1.0 + 0.18 * std::sin(t / 37.0 + dbIndex) + 0.07 * std::sin(t / 5.0 + dbIndex * 2);
        if (frac < 1.0) {
            d.phase = DatabasePhase::FullLoad;
            d.bytesPerSecond = double(db.bytes) / db.loadSeconds * wobble;
            d.rowsPerSecond = d.bytesPerSecond / 180;
            d.etaSeconds = db.loadSeconds - t;
            d.spoolBytes = qint64(t * 90000);
            d.pendingChanges = qint64(t * 37);
            d.lagBytes = d.spoolBytes;
            d.lagSeconds = t * 0.02 * wobble;
            d.notReadyReason = tr("full load %1 of %n table(s)", nullptr, db.tables).arg(d.tablesDone);
        } else {
            d.phase = DatabasePhase::Streaming;
            const double since = t - db.loadSeconds;
            d.pendingChanges = qint64(std::max(0.0, 4000 * std::exp(-since / 60.0)) + 12 * wobble);
            d.lagBytes = d.pendingChanges * 350;
            d.lagSeconds = std::max(0.2, 30 * std::exp(-since / 60.0) * wobble);
            d.inserts = qint64(since * 41);
            d.updates = qint64(since * 17);
            d.deletes = qint64(since * 3);
            d.rowsPerSecond = 60 * wobble;
            d.bytesPerSecond = 20000 * wobble;
            d.ddlCapture = QStringLiteral("event trigger");
            // A release on crm while it streams: carried to the target in stream order.
            if (dbIndex == 3 && since > 200)
                d.schemaChanges << SchemaChange{
                    QStringLiteral("public.customers.loyalty_tier"),
                    QStringLiteral("column added"),
                    QStringLiteral(
                        "ALTER TABLE public.customers ADD COLUMN loyalty_tier text DEFAULT 'basic'::text"),
                    QStringLiteral("applied"),
                    QString(),
                    QStringLiteral("2/1C7730E8")};
            if (dbIndex == 3 && since > 260)
                d.schemaChanges << SchemaChange{QStringLiteral("public.customers_loyalty_tier_idx"),
                                                QStringLiteral("index created"),
                                                QStringLiteral("CREATE INDEX customers_loyalty_tier_idx ON "
                                                               "public.customers USING btree (loyalty_tier)"),
                                                QStringLiteral("applied"),
                                                QString(),
                                                QStringLiteral("2/1C7741A0")};
            d.readyForCutover = d.lagBytes < 16 * 1024 * 1024 && since > 30;
            if (!d.readyForCutover)
                d.notReadyReason =
                    tr("catching up, %1 change(s) pending", nullptr, Format::plural(d.pendingChanges))
                        .arg(Format::count(d.pendingChanges));
        }
        for (int i = 0; i < db.tables; ++i) {
            TableStatus ts;
            ts.schema = i % 7 == 6 ? QStringLiteral("sales") : QStringLiteral("public");
            ts.name = QString::fromLatin1(kTables[i % 16]) +
                      (i >= 16 ? QStringLiteral("_%1").arg(i / 16 + 1) : QString());
            ts.bytesEstimated =
                std::max<qint64>(8192, qint64(double(db.bytes) / db.tables * (1.6 - 1.2 * i / db.tables)));
            ts.rowsEstimated = ts.bytesEstimated / 180;
            if (i < d.tablesDone) {
                ts.state = TableState::Done;
                ts.bytesCopied = ts.bytesEstimated;
                ts.rowsCopied = ts.rowsEstimated;
                ts.durationSeconds = double(db.loadSeconds) / db.tables * (1.3 - 0.6 * i / db.tables);
                ts.inserts = d.inserts / db.tables;
                ts.updates = d.updates / db.tables;
                ts.deletes = d.deletes / db.tables;
            } else if (i < d.tablesDone + d.tablesLoading) {
                ts.state = TableState::Loading;
                const double part = std::fmod(frac * db.tables, 1.0);
                ts.bytesCopied = qint64(part * double(ts.bytesEstimated));
                ts.rowsCopied = ts.bytesCopied / 180;
                ts.durationSeconds = part * db.loadSeconds / db.tables;
                ts.rangesTotal = ts.bytesEstimated > (256LL << 20) ? 4 : 1;
            } else {
                ts.state = TableState::Queued;
            }
            d.tables.append(ts);
        }
        s.databases.append(d);
        ++dbIndex;
    }
    // One table that failed, to show Retry.
    DatabaseStatus &inv = s.databases[1];
    if (inv.tablesDone + 2 < inv.tables.size() &&
        inv.tables[inv.tablesDone + 2].state == TableState::Queued) {
        TableStatus &f = inv.tables[inv.tablesDone + 2];
        f.state = TableState::Failed;
        f.error = tr("copying table %1: could not extend file: No space left on device (SQLSTATE 53100)")
                      .arg(f.qualifiedName());
        inv.tablesFailed = 1;
        inv.tablesQueued -= 1;
        s.errors << QStringLiteral("inventory: ") + f.error;
    }
    bool allStreaming = true;
    for (const auto &d : s.databases)
        allStreaming &= d.phase == DatabasePhase::Streaming;
    if (allStreaming)
        s.state = RunState::Streaming;
    return s;
}

engine::MigrationStatus SampleServices::sampleCompletedStatus()
{
    engine::MigrationStatus s = sampleStatus(6000);
    s.errors.clear();
    s.state = engine::RunState::Completed;
    for (engine::DatabaseStatus &d : s.databases) {
        d.phase = engine::DatabasePhase::Done;
        d.pendingChanges = 0;
        d.lagBytes = 0;
        d.lagSeconds = 0;
        d.tablesFailed = 0;
        d.tablesDone = d.tablesTotal;
        for (engine::TableStatus &t : d.tables) {
            t.state = engine::TableState::Done;
            t.error.clear();
        }
    }
    s.updatedAt = s.startedAt.addSecs(6125);
    return s;
}

ConnectionCheck SampleServices::testConnection(const pg::ConnInfo &info)
{
    ConnectionCheck c;
    c.ok = true;
    c.inventory = sampleInventory();
    if (info.host.contains(u"azure")) {
        c.inventory.versionText = QStringLiteral("16.2");
        c.inventory.serverVersion = 160002;
    }
    return c;
}

std::optional<QList<assess::TableInventory>> SampleServices::listTables(const pg::ConnInfo &, QString *)
{
    QList<assess::TableInventory> t;
    for (int i = 0; i < 16; ++i)
        t.append({QStringLiteral("public"), QString::fromLatin1(kTables[i]), (16 - i) * (64LL << 20),
                  (16 - i) * 350000LL});
    return t;
}

AssessmentResult SampleServices::assess(const project::Project &, const Credentials &)
{
    return sampleAssessment();
}

std::unique_ptr<AzureSession> SampleServices::createAzureSession(const project::AzureContext &)
{
    return std::make_unique<SampleAzureSession>();
}
std::optional<project::Project> SampleServices::loadProject(const QString &, QString *)
{
    return sampleProject();
}
bool SampleServices::saveProject(const project::Project &, const QString &, QString *)
{
    return true;
}
QString SampleServices::storedPassword(const project::Project &, Role)
{
    return QStringLiteral("sample-password");
}
bool SampleServices::storePassword(const project::Project &, Role, const QString &, QString *)
{
    return true;
}
QStringList SampleServices::recentFiles()
{
    return {QStringLiteral("/home/ana/migrations/contoso-orders.pgferry"),
            QStringLiteral("/home/ana/migrations/fabrikam-rehearsal.pgferry")};
}
void SampleServices::addRecentFile(const QString &) {}
std::optional<engine::MigrationStatus> SampleServices::lastRunStatus(const project::Project &)
{
    return std::nullopt;
}
std::unique_ptr<engine::MigrationEngine> SampleServices::createEngine(const project::Project &,
                                                                      const Credentials &, QString *error)
{
    if (error)
        *error = tr("the sample has no engine");
    return nullptr;
}
QString SampleServices::reportHtml(const project::Project &project, const engine::MigrationStatus &status)
{
    return CoreServices().reportHtml(project, status);
}
QString SampleServices::reportJson(const project::Project &project, const engine::MigrationStatus &status)
{
    return CoreServices().reportJson(project, status);
}

SizingResult SampleServices::recommendServerSize(const project::Project &, const Credentials &,
                                                 std::chrono::milliseconds sample)
{
    // The sample source's figures through core's own rules, so the reasons read as they would.
    azure::SourceLoad load;
    load.version = 120017;
    for (const assess::DatabaseInventory &d : sampleInventory().databases)
        if (d.name != u"postgres") {
            load.databases.append({d.name, d.sizeBytes});
            load.totalBytes += d.sizeBytes;
        }
    load.maxConnections = 200;
    load.connectionsInUse = 64;
    load.sharedBuffersBytes = 4LL << 30;
    load.workMemBytes = 16LL << 20;
    load.sampleSeconds = std::chrono::duration<double>(sample).count();
    load.transactionsPerSecond = 2400;
    load.walBytesPerSecond = 3.5 * 1024 * 1024;
    return {{}, azure::recommendSize(load)};
}

} // namespace pgferry::wizard
