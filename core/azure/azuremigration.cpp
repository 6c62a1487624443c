#include "azure/azuremigration.h"

#include <QJsonArray>

namespace pgferry::azure {

namespace {
qint64 num(const QJsonObject &o, const char16_t *k)
{
    const QJsonValue v = o.value(QStringView(k));
    if (v.isString())
        return v.toString().toLongLong();
    const double d = v.toDouble();
    return d > 0 && d < 9e18 ? qint64(d) : 0;
}
QString str(const QJsonObject &o, const char16_t *k)
{
    return o.value(QStringView(k)).toString();
}

void addIssues(QList<ValidationIssue> &out, const QString &db, const QJsonArray &items)
{
    for (const QJsonValue &v : items) {
        const QJsonObject it = v.toObject();
        const QString type = str(it, u"type");
        const QString state = str(it, u"state");
        QStringList msgs;
        for (const QJsonValue &m : it.value(u"messages").toArray()) {
            const QString s = m.toObject().value(u"message").toString();
            if (!s.isEmpty())
                msgs << s;
        }
        if (state.compare(u"Failed", Qt::CaseInsensitive) == 0 ||
            state.compare(u"Warning", Qt::CaseInsensitive) == 0)
            out.append({db, type, state, msgs.join(u' '), AzureMigration::remedyFor(type)});
        if (out.size() > 200)
            return;
    }
}
} // namespace

QString ValidationIssue::toString() const
{
    QString s = type + u' ' + state.toLower();
    s += database.isEmpty() ? QStringLiteral(" (server)") : QStringLiteral(" for database %1").arg(database);
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    if (!remedy.isEmpty())
        s += QStringLiteral(" What to do: ") + remedy;
    return s;
}

bool AzureMigration::isTerminal() const
{
    for (const char16_t *t : {u"Succeeded", u"Failed", u"Canceled", u"ValidationFailed"})
        if (state.compare(QStringView(t), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QString AzureMigration::remedyFor(const QString &type)
{
    const QString t = type.toLower();
    if (t.contains(u"connectivity") || t.contains(u"authentication"))
        return QStringLiteral("let the target's outbound address reach the source (firewall, NSG, "
                              "pg_hba.conf) and check the user names and passwords.");
    if (t.contains(u"sourceversion"))
        return QStringLiteral(
            "the source must run PostgreSQL 9.5 or later and not be newer than the target.");
    if (t.contains(u"serverparameter"))
        return QStringLiteral("for online migrations set wal_level=logical and raise max_replication_slots "
                              "and max_wal_senders on the source, then restart it.");
    if (t.contains(u"extension"))
        return QStringLiteral("allow-list the extensions in the target's azure.extensions parameter (and "
                              "shared_preload_libraries when they need preloading, then restart), or drop "
                              "unsupported ones from the source.");
    if (t.contains(u"collation"))
        return QStringLiteral("drop user-defined collations from the source or recreate the objects with a "
                              "supported collation.");
    if (t.contains(u"schema"))
        return QStringLiteral(
            "fix the schema objects Azure reports (unsupported objects, custom tablespaces) on the source.");
    if (t.contains(u"replicaidentity") || t.contains(u"primarykey"))
        return QStringLiteral(
            "give every table a primary key or a replica identity so that updates and deletes replicate.");
    return QStringLiteral("fix the cause Azure reports and start the migration again.");
}

QString AzureMigration::actionFor(const QString &s)
{
    if (s == u"WaitingForLogicalReplicationSetupRequestOnSourceDB")
        return QStringLiteral("Azure waits for logical replication to be set up on the source "
                              "(wal_level=logical and a restart)");
    if (s == u"WaitingForDBsToMigrateSpecification")
        return QStringLiteral("Azure waits for the list of databases to migrate");
    if (s == u"WaitingForTargetDBOverwriteConfirmation")
        return QStringLiteral("Azure waits for confirmation to overwrite databases that exist on the target; "
                              "set the project's overwrite option");
    if (s == u"WaitingForDataMigrationScheduling" || s == u"WaitingForDataMigrationWindow")
        return QStringLiteral("Azure waits for the scheduled migration window");
    if (s == u"WaitingForCutoverTrigger")
        return QStringLiteral("ready for cutover");
    return {};
}

AzureMigration AzureMigration::fromJson(const QJsonObject &o)
{
    AzureMigration m;
    m.id = str(o, u"id");
    m.name = str(o, u"name");
    const QJsonObject p = o.value(u"properties").toObject();
    m.migrationId = str(p, u"migrationId");
    m.migrationMode = str(p, u"migrationMode");
    m.migrationOption = str(p, u"migrationOption");
    m.triggerCutover = str(p, u"triggerCutover");
    for (const QJsonValue &v : p.value(u"dbsToMigrate").toArray())
        m.dbsToMigrate << v.toString();
    const QJsonObject cs = p.value(u"currentStatus").toObject();
    m.state = str(cs, u"state");
    m.error = str(cs, u"error");
    const QJsonObject sub = cs.value(u"currentSubStateDetails").toObject();
    m.subState = str(sub, u"currentSubState");
    const QJsonObject dbs = sub.value(u"dbDetails").toObject();
    for (auto it = dbs.begin(); it != dbs.end() && m.databases.size() < 1000; ++it) {
        const QJsonObject d = it.value().toObject();
        DatabaseMigrationState s;
        s.databaseName = str(d, u"databaseName");
        if (s.databaseName.isEmpty())
            s.databaseName = it.key();
        s.migrationState = str(d, u"migrationState");
        s.migrationOperation = str(d, u"migrationOperation");
        s.startedOn = str(d, u"startedOn");
        s.endedOn = str(d, u"endedOn");
        s.fullLoadQueuedTables = num(d, u"fullLoadQueuedTables");
        s.fullLoadErroredTables = num(d, u"fullLoadErroredTables");
        s.fullLoadLoadingTables = num(d, u"fullLoadLoadingTables");
        s.fullLoadCompletedTables = num(d, u"fullLoadCompletedTables");
        s.cdcUpdateCounter = num(d, u"cdcUpdateCounter");
        s.cdcDeleteCounter = num(d, u"cdcDeleteCounter");
        s.cdcInsertCounter = num(d, u"cdcInsertCounter");
        s.appliedChanges = num(d, u"appliedChanges");
        s.incomingChanges = num(d, u"incomingChanges");
        s.latency = std::max(0.0, d.value(u"latency").toDouble());
        s.message = str(d, u"message");
        m.databases.append(s);
    }
    const QJsonObject val = sub.value(u"validationDetails").toObject();
    m.validationStatus = str(val, u"status");
    addIssues(m.validationIssues, {}, val.value(u"serverLevelValidationDetails").toArray());
    for (const QJsonValue &v : val.value(u"dbLevelValidationDetails").toArray()) {
        const QJsonObject d = v.toObject();
        addIssues(m.validationIssues, str(d, u"databaseName"), d.value(u"summary").toArray());
    }
    return m;
}

} // namespace pgferry::azure
