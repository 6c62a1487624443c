#include "azure/armapi.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace pgferry::azure::api {

namespace {

QString pg()
{
    return QString::fromUtf16(kPostgresApi);
}
QString tf(bool b)
{
    return b ? QStringLiteral("True") : QStringLiteral("False");
}
QString enc(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

QString resourcePath(const ResourceId &r)
{
    return QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/%3/%4/%5")
        .arg(enc(r.subscriptionId), enc(r.resourceGroup), enc(r.provider), enc(r.type), enc(r.name));
}

QString serverPath(const ResourceId &s)
{
    return QStringLiteral(
               "/subscriptions/%1/resourceGroups/%2/providers/Microsoft.DBforPostgreSQL/flexibleServers/%3")
        .arg(enc(s.subscriptionId), enc(s.resourceGroup), enc(s.name));
}

QString child(const ResourceId &s, const QString &collection, const QString &name = {})
{
    QString p = serverPath(s) + u'/' + collection;
    if (!name.isEmpty())
        p += u'/' + enc(name);
    return p;
}

QJsonArray toArray(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

bool matches(const QString &pattern, const QString &s)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(s).hasMatch();
}

} // namespace

QString checkServerName(const QString &name)
{
    if (name.size() < 3 || name.size() > 63 || !matches(QStringLiteral("[a-z0-9]+(-[a-z0-9]+)*"), name))
        return QStringLiteral("server name \"%1\" is not valid: use 3-63 lower-case letters, digits and "
                              "single hyphens, not at the start or end")
            .arg(name);
    return {};
}

QString checkFirewallRuleName(const QString &name)
{
    if (name.isEmpty() || name.size() > 80 ||
        !matches(QStringLiteral("[a-zA-Z0-9][-_a-zA-Z0-9]{0,79}"), name) || name.endsWith(u'-'))
        return QStringLiteral("firewall rule name \"%1\" is not valid: use 1-80 letters, digits, '-' and "
                              "'_', starting with a letter or digit and not ending with '-'")
            .arg(name);
    return {};
}

QString checkMigrationName(const QString &name)
{
    if (name.isEmpty() || !matches(QStringLiteral("[a-z][a-z0-9]*"), name))
        return QStringLiteral("migration name \"%1\" is not valid: use lower-case letters and digits, "
                              "starting with a letter")
            .arg(name);
    return {};
}

QString checkLockName(const QString &name)
{
    static const QRegularExpression bad(QStringLiteral("[<>%&:\\\\?/\\x00-\\x1f]"));
    if (name.isEmpty() || name.size() > 260 || bad.match(name).hasMatch())
        return QStringLiteral("lock name \"%1\" is not valid: up to 260 characters, without < > % & : \\ ? / "
                              "or control characters")
            .arg(name);
    return {};
}

QString checkIpv4(const QString &address)
{
    QHostAddress a;
    if (!a.setAddress(address) || a.protocol() != QAbstractSocket::IPv4Protocol || address.count(u'.') != 3)
        return QStringLiteral("\"%1\" is not an IPv4 address; Azure firewall rules take IPv4 addresses such "
                              "as 203.0.113.7")
            .arg(address);
    return {};
}

QString checkDatabaseName(const QString &name)
{
    if (!matches(QStringLiteral("[a-zA-Z_][\\w\\-]{0,62}"), name))
        return QStringLiteral("database name \"%1\" cannot be created through Azure Resource Manager: use up "
                              "to 63 letters, digits, '_' and '-', starting with a letter or '_'")
            .arg(name);
    return {};
}

QString armIdType(const QString &id)
{
    const QStringList p = id.trimmed().split(u'/', Qt::SkipEmptyParts);
    // subscriptions S resourceGroups G providers NAMESPACE (TYPE NAME)+
    if (p.size() < 8 || p.size() % 2 != 0 || p[0].compare(u"subscriptions", Qt::CaseInsensitive) != 0 ||
        p[2].compare(u"resourceGroups", Qt::CaseInsensitive) != 0 ||
        p[4].compare(u"providers", Qt::CaseInsensitive) != 0)
        return {};
    for (const QString &part : p)
        if (part.contains(u'?') || part.contains(u'#') || part.contains(u'%') || part.contains(u'\\'))
            return {};
    QString type = p[5];
    for (qsizetype i = 6; i < p.size(); i += 2)
        type += u'/' + p[i];
    return type;
}

namespace {
QString checkIdOfType(const QString &id, const QString &what, const QString &type, const QString &example)
{
    const QString actual = armIdType(id);
    if (actual.compare(type, Qt::CaseInsensitive) == 0)
        return {};
    return QStringLiteral("%1 \"%2\" is not a %3 resource id%4; expected %5")
        .arg(what, id, type, actual.isEmpty() ? QString() : QStringLiteral(" (it names a %1)").arg(actual),
             example);
}
} // namespace

QString checkSubnetId(const QString &id, const QString &what)
{
    return checkIdOfType(
        id, what, QStringLiteral("Microsoft.Network/virtualNetworks/subnets"),
        QStringLiteral(
            "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/"
            "SUBNET, "
            "a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers in the server's region"));
}

QString checkPrivateDnsZoneId(const QString &id, const QString &what)
{
    return checkIdOfType(id, what, QStringLiteral("Microsoft.Network/privateDnsZones"),
                         QStringLiteral("/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/"
                                        "privateDnsZones/NAME.private.postgres.database.azure.com"));
}

QString checkRuntimeServerId(const QString &id, const QString &what)
{
    return checkIdOfType(
        id, what, QStringLiteral("Microsoft.DBforPostgreSQL/flexibleServers"),
        QStringLiteral(
            "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.DBforPostgreSQL/flexibleServers/NAME "
            "(`pgferry-cli azure servers`)"));
}

ArmRequest listSubscriptions()
{
    return ArmRequest::list(QStringLiteral("/subscriptions"), QString::fromUtf16(kSubscriptionsApi),
                            QStringLiteral("list subscriptions"));
}

ArmRequest listResourceGroups(const QString &sub)
{
    return ArmRequest::list(QStringLiteral("/subscriptions/%1/resourcegroups").arg(enc(sub)),
                            QString::fromUtf16(kResourceGroupsApi),
                            QStringLiteral("list resource groups of subscription %1").arg(sub));
}

ArmRequest getResourceGroup(const QString &sub, const QString &rg)
{
    return ArmRequest::get(QStringLiteral("/subscriptions/%1/resourcegroups/%2").arg(enc(sub), enc(rg)),
                           QString::fromUtf16(kResourceGroupsApi),
                           QStringLiteral("read resource group %1").arg(rg));
}

ArmRequest listServers(const QString &sub, const QString &rg)
{
    if (rg.isEmpty())
        return ArmRequest::list(
            QStringLiteral("/subscriptions/%1/providers/Microsoft.DBforPostgreSQL/flexibleServers")
                .arg(enc(sub)),
            pg(), QStringLiteral("list flexible servers of subscription %1").arg(sub));
    return ArmRequest::list(
        QStringLiteral(
            "/subscriptions/%1/resourceGroups/%2/providers/Microsoft.DBforPostgreSQL/flexibleServers")
            .arg(enc(sub), enc(rg)),
        pg(), QStringLiteral("list flexible servers of resource group %1").arg(rg));
}

ArmRequest getServer(const ResourceId &s)
{
    return ArmRequest::get(serverPath(s), pg(), QStringLiteral("read server %1").arg(s.name));
}

QString checkServerSpec(const ServerSpec &spec)
{
    if (QString e = checkServerName(spec.id.name); !e.isEmpty())
        return e;
    if (spec.location.isEmpty())
        return QStringLiteral("server %1 needs a region (--location, e.g. westeurope)").arg(spec.id.name);
    bool ok = false;
    const int v = spec.version.toInt(&ok);
    if (!ok || v < 11 || v > 18)
        return QStringLiteral("PostgreSQL version \"%1\" is not offered; choose 11 to 18").arg(spec.version);
    if (spec.skuName.isEmpty() || (spec.skuTier != u"Burstable" && spec.skuTier != u"GeneralPurpose" &&
                                   spec.skuTier != u"MemoryOptimized"))
        return QStringLiteral("SKU tier \"%1\" is not valid; choose Burstable, GeneralPurpose or "
                              "MemoryOptimized with a SKU such as Standard_D2ds_v5")
            .arg(spec.skuTier);
    if (spec.storageSizeGB < 32 || spec.storageSizeGB > 32767)
        return QStringLiteral("storage of %1 GB is out of range; choose 32 to 32767 GB")
            .arg(spec.storageSizeGB);
    if (spec.administratorLogin.isEmpty() || spec.administratorLoginPassword.isEmpty())
        return QStringLiteral("server %1 needs an administrator login and password (--admin-user, and the "
                              "password in PGFERRY_TARGET_PASSWORD)")
            .arg(spec.id.name);
    if (spec.backupRetentionDays < 7 || spec.backupRetentionDays > 35)
        return QStringLiteral("backup retention of %1 days is out of range; choose 7 to 35")
            .arg(spec.backupRetentionDays);
    if (spec.delegatedSubnetResourceId.isEmpty() != spec.privateDnsZoneArmResourceId.isEmpty())
        return QStringLiteral("server %1 with private access needs both a delegated subnet (--subnet) and a "
                              "private DNS zone (--private-dns-zone)")
            .arg(spec.id.name);
    if (!spec.delegatedSubnetResourceId.isEmpty()) {
        if (QString e = checkSubnetId(spec.delegatedSubnetResourceId); !e.isEmpty())
            return e;
        if (QString e = checkPrivateDnsZoneId(spec.privateDnsZoneArmResourceId); !e.isEmpty())
            return e;
    }
    return {};
}

ArmRequest createServer(const ServerSpec &spec)
{
    // publicNetworkAccess is only for servers outside a customer's virtual network: a VNet-integrated
    // server gets the subnet and the zone instead (as in the ServerCreate example), and no public endpoint.
    const bool privateAccess = !spec.delegatedSubnetResourceId.isEmpty();
    const QJsonObject network =
        privateAccess
            ? QJsonObject{{QStringLiteral("delegatedSubnetResourceId"), spec.delegatedSubnetResourceId},
                          {QStringLiteral("privateDnsZoneArmResourceId"), spec.privateDnsZoneArmResourceId}}
            : QJsonObject{{QStringLiteral("publicNetworkAccess"), QStringLiteral("Enabled")}};
    const QJsonObject body{
        {QStringLiteral("location"), spec.location},
        {QStringLiteral("sku"),
         QJsonObject{{QStringLiteral("name"), spec.skuName}, {QStringLiteral("tier"), spec.skuTier}}},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("createMode"), QStringLiteral("Create")},
                     {QStringLiteral("version"), spec.version},
                     {QStringLiteral("administratorLogin"), spec.administratorLogin},
                     {QStringLiteral("administratorLoginPassword"), spec.administratorLoginPassword},
                     {QStringLiteral("storage"),
                      QJsonObject{{QStringLiteral("storageSizeGB"), spec.storageSizeGB},
                                  {QStringLiteral("autoGrow"), QStringLiteral("Enabled")}}},
                     {QStringLiteral("backup"),
                      QJsonObject{{QStringLiteral("backupRetentionDays"), spec.backupRetentionDays},
                                  {QStringLiteral("geoRedundantBackup"), spec.geoRedundantBackup
                                                                             ? QStringLiteral("Enabled")
                                                                             : QStringLiteral("Disabled")}}},
                     {QStringLiteral("highAvailability"),
                      QJsonObject{{QStringLiteral("mode"), spec.highAvailabilityMode}}},
                     {QStringLiteral("network"), network}}}};
    return ArmRequest::withBody(
        "PUT", serverPath(spec.id), pg(), body,
        QStringLiteral("create server %1%2")
            .arg(spec.id.name, privateAccess ? QStringLiteral(" with private access") : QString()));
}

ArmRequest createReadReplica(const ResourceId &replica, const QString &location, const ResourceId &source)
{
    const QJsonObject body{{QStringLiteral("location"), location},
                           {QStringLiteral("properties"),
                            QJsonObject{{QStringLiteral("createMode"), QStringLiteral("Replica")},
                                        {QStringLiteral("sourceServerResourceId"), source.toString()}}}};
    return ArmRequest::withBody(
        "PUT", serverPath(replica), pg(), body,
        QStringLiteral("create read replica %1 of server %2 in %3").arg(replica.name, source.name, location));
}

ArmRequest pointInTimeRestore(const ResourceId &newServer, const QString &location, const ResourceId &source,
                              const QDateTime &when)
{
    const QJsonObject body{
        {QStringLiteral("location"), location},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("createMode"), QStringLiteral("PointInTimeRestore")},
                     {QStringLiteral("sourceServerResourceId"), source.toString()},
                     {QStringLiteral("pointInTimeUTC"), when.toUTC().toString(Qt::ISODateWithMs)}}}};
    return ArmRequest::withBody("PUT", serverPath(newServer), pg(), body,
                                QStringLiteral("restore server %1 as of %2 into new server %3")
                                    .arg(source.name, when.toUTC().toString(Qt::ISODate), newServer.name));
}

ArmRequest setBackupRetention(const ResourceId &s, int days)
{
    const QJsonObject body{{QStringLiteral("properties"),
                            QJsonObject{{QStringLiteral("backup"),
                                         QJsonObject{{QStringLiteral("backupRetentionDays"), days}}}}}};
    return ArmRequest::withBody(
        "PATCH", serverPath(s), pg(), body,
        QStringLiteral("set backup retention of server %1 to %2 days").arg(s.name).arg(days));
}

ArmRequest restartServer(const ResourceId &s)
{
    ArmRequest r = ArmRequest::get(serverPath(s) + QStringLiteral("/restart"), pg(),
                                   QStringLiteral("restart server %1").arg(s.name));
    r.method = "POST";
    return r;
}

ArmRequest listFirewallRules(const ResourceId &s)
{
    return ArmRequest::list(child(s, QStringLiteral("firewallRules")), pg(),
                            QStringLiteral("list firewall rules of server %1").arg(s.name));
}

ArmRequest putFirewallRule(const ResourceId &s, const QString &name, const QString &startIp,
                           const QString &endIp)
{
    const QJsonObject body{
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("startIpAddress"), startIp}, {QStringLiteral("endIpAddress"), endIp}}}};
    return ArmRequest::withBody("PUT", child(s, QStringLiteral("firewallRules"), name), pg(), body,
                                QStringLiteral("create firewall rule %1 on server %2").arg(name, s.name));
}

ArmRequest deleteFirewallRule(const ResourceId &s, const QString &name)
{
    return ArmRequest::remove(child(s, QStringLiteral("firewallRules"), name), pg(),
                              QStringLiteral("delete firewall rule %1 on server %2").arg(name, s.name));
}

ArmRequest listDatabases(const ResourceId &s)
{
    return ArmRequest::list(child(s, QStringLiteral("databases")), pg(),
                            QStringLiteral("list databases of server %1").arg(s.name));
}

ArmRequest createDatabase(const ResourceId &s, const QString &name, const QString &charset,
                          const QString &collation)
{
    const QJsonObject body{
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("charset"), charset}, {QStringLiteral("collation"), collation}}}};
    return ArmRequest::withBody("PUT", child(s, QStringLiteral("databases"), name), pg(), body,
                                QStringLiteral("create database %1 on server %2").arg(name, s.name));
}

ArmRequest listConfigurations(const ResourceId &s)
{
    return ArmRequest::list(child(s, QStringLiteral("configurations")), pg(),
                            QStringLiteral("list server parameters of %1").arg(s.name));
}

ArmRequest getConfiguration(const ResourceId &s, const QString &name)
{
    return ArmRequest::get(child(s, QStringLiteral("configurations"), name), pg(),
                           QStringLiteral("read server parameter %1 of %2").arg(name, s.name));
}

ArmRequest setConfiguration(const ResourceId &s, const QString &name, const QString &value)
{
    const QJsonObject body{{QStringLiteral("properties"),
                            QJsonObject{{QStringLiteral("value"), value},
                                        {QStringLiteral("source"), QStringLiteral("user-override")}}}};
    return ArmRequest::withBody("PATCH", child(s, QStringLiteral("configurations"), name), pg(), body,
                                QStringLiteral("set server parameter %1 of %2").arg(name, s.name));
}

QString extensionsAllowList(const QString &current, const QStringList &missing)
{
    QStringList out;
    for (const QString &e : current.split(u',', Qt::SkipEmptyParts))
        if (!out.contains(e.trimmed(), Qt::CaseInsensitive))
            out << e.trimmed();
    for (const QString &e : missing)
        if (!e.trimmed().isEmpty() && !out.contains(e.trimmed(), Qt::CaseInsensitive))
            out << e.trimmed().toLower();
    return out.join(u',');
}

namespace {
QString lockPath(const QString &scopeId, const QString &name)
{
    QString scope = scopeId;
    while (scope.endsWith(u'/'))
        scope.chop(1);
    return scope + QStringLiteral("/providers/Microsoft.Authorization/locks") +
           (name.isEmpty() ? QString() : u'/' + enc(name));
}
} // namespace

ArmRequest createLock(const QString &scopeId, const QString &name, const QString &level, const QString &notes)
{
    QJsonObject props{{QStringLiteral("level"), level}};
    if (!notes.isEmpty())
        props.insert(QStringLiteral("notes"), notes.left(512));
    ArmRequest r = ArmRequest::withBody(
        "PUT", lockPath(scopeId, name), QString::fromUtf16(kLocksApi),
        QJsonObject{{QStringLiteral("properties"), props}},
        QStringLiteral("create %1 lock %2 on %3").arg(level, name, scopeId.section(u'/', -1)));
    r.longRunning = false; // locks are synchronous (200/201)
    return r;
}

ArmRequest listLocks(const QString &scopeId)
{
    return ArmRequest::list(lockPath(scopeId, {}), QString::fromUtf16(kLocksApi),
                            QStringLiteral("list locks on %1").arg(scopeId.section(u'/', -1)));
}

ArmRequest deleteLock(const QString &scopeId, const QString &name)
{
    ArmRequest r = ArmRequest::remove(lockPath(scopeId, name), QString::fromUtf16(kLocksApi),
                                      QStringLiteral("delete lock %1").arg(name));
    r.longRunning = false;
    return r;
}

ArmRequest getActionGroup(const ResourceId &group)
{
    return ArmRequest::get(resourcePath(group), QString::fromUtf16(kActionGroupsApi),
                           QStringLiteral("read action group %1").arg(group.name));
}

ArmRequest putActionGroup(const ResourceId &group, const QJsonObject &properties)
{
    ArmRequest r = ArmRequest::withBody("PUT", resourcePath(group), QString::fromUtf16(kActionGroupsApi),
                                        QJsonObject{{QStringLiteral("location"), QStringLiteral("Global")},
                                                    {QStringLiteral("properties"), properties}},
                                        QStringLiteral("create or update action group %1").arg(group.name));
    r.longRunning = false; // 200/201 synchronous
    return r;
}

ArmRequest putMetricAlert(const ResourceId &rule, const ResourceId &server, const AlertRule &a,
                          const QString &actionGroupId)
{
    const QJsonObject criterion{
        {QStringLiteral("criterionType"), QStringLiteral("StaticThresholdCriterion")},
        {QStringLiteral("name"), a.key},
        {QStringLiteral("metricName"), a.metric},
        {QStringLiteral("metricNamespace"), QStringLiteral("Microsoft.DBforPostgreSQL/flexibleServers")},
        {QStringLiteral("dimensions"), QJsonArray{}},
        {QStringLiteral("operator"), a.op},
        {QStringLiteral("threshold"), a.threshold},
        {QStringLiteral("timeAggregation"), a.aggregation}};
    const QJsonObject props{
        {QStringLiteral("description"), a.description},
        {QStringLiteral("severity"), a.severity},
        {QStringLiteral("enabled"), true},
        {QStringLiteral("scopes"), QJsonArray{server.toString()}},
        {QStringLiteral("evaluationFrequency"), a.frequency},
        {QStringLiteral("windowSize"), a.window},
        {QStringLiteral("criteria"),
         QJsonObject{{QStringLiteral("odata.type"),
                      QStringLiteral("Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria")},
                     {QStringLiteral("allOf"), QJsonArray{criterion}}}},
        {QStringLiteral("autoMitigate"), true},
        {QStringLiteral("actions"),
         QJsonArray{QJsonObject{{QStringLiteral("actionGroupId"), actionGroupId}}}}};
    ArmRequest r = ArmRequest::withBody(
        "PUT", resourcePath(rule), QString::fromUtf16(kMetricAlertsApi),
        QJsonObject{{QStringLiteral("location"), QStringLiteral("global")},
                    {QStringLiteral("properties"), props}},
        QStringLiteral("create or update alert rule %1 on server %2").arg(rule.name, server.name));
    r.longRunning = false; // 200 synchronous
    return r;
}

QString sslModeFor(const QString &m)
{
    const QString s = m.toLower();
    if (s == u"require")
        return QStringLiteral("Require");
    if (s == u"verify-ca")
        return QStringLiteral("VerifyCA");
    if (s == u"verify-full")
        return QStringLiteral("VerifyFull");
    return QStringLiteral("Prefer");
}

QString checkMigrationSpec(const MigrationSpec &spec)
{
    if (spec.location.isEmpty())
        return QStringLiteral("the migration needs the target server's region");
    if (spec.dbsToMigrate.isEmpty())
        return QStringLiteral("choose at least one database to migrate");
    if (spec.dbsToMigrate.size() > 50)
        return QStringLiteral("Azure's migration service takes at most 50 databases per migration (%1 "
                              "chosen); split them over several projects")
            .arg(spec.dbsToMigrate.size());
    if (spec.sourceDbServerResourceId.isEmpty())
        return QStringLiteral("the migration needs the source as host:port@user");
    if (spec.sourceServerPassword.isEmpty() || spec.targetServerPassword.isEmpty())
        return QStringLiteral(
                   "Azure's migration service needs the %1 password (PGFERRY_%2_PASSWORD or the keychain)")
            .arg(spec.sourceServerPassword.isEmpty() ? QStringLiteral("source") : QStringLiteral("target"),
                 spec.sourceServerPassword.isEmpty() ? QStringLiteral("SOURCE") : QStringLiteral("TARGET"));
    if (!spec.migrationInstanceResourceId.isEmpty())
        if (QString e = checkRuntimeServerId(spec.migrationInstanceResourceId,
                                             QStringLiteral("the migration's runtime server"));
            !e.isEmpty())
            return e;
    if (spec.option != u"Validate" && spec.option != u"Migrate" && spec.option != u"ValidateAndMigrate")
        return QStringLiteral(
                   "migration option \"%1\" is not valid; choose Validate, Migrate or ValidateAndMigrate")
            .arg(spec.option);
    return {};
}

ArmRequest checkMigrationNameAvailability(const ResourceId &s, const QString &name)
{
    return ArmRequest::withBody(
        "POST", serverPath(s) + QStringLiteral("/checkMigrationNameAvailability"), pg(),
        QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("type"), QStringLiteral("Microsoft.DBforPostgreSQL/flexibleServers/migrations")}},
        QStringLiteral("check migration name %1 on server %2").arg(name, s.name));
}

ArmRequest createMigration(const ResourceId &s, const QString &name, const MigrationSpec &spec)
{
    QJsonObject secrets{{QStringLiteral("adminCredentials"),
                         QJsonObject{{QStringLiteral("sourceServerPassword"), spec.sourceServerPassword},
                                     {QStringLiteral("targetServerPassword"), spec.targetServerPassword}}}};
    if (!spec.sourceServerUsername.isEmpty())
        secrets.insert(QStringLiteral("sourceServerUsername"), spec.sourceServerUsername);
    if (!spec.targetServerUsername.isEmpty())
        secrets.insert(QStringLiteral("targetServerUsername"), spec.targetServerUsername);
    QJsonObject props{
        {QStringLiteral("migrationMode"), spec.online ? QStringLiteral("Online") : QStringLiteral("Offline")},
        {QStringLiteral("migrationOption"), spec.option},
        {QStringLiteral("sourceType"), spec.sourceType},
        {QStringLiteral("sslMode"), spec.sslMode},
        {QStringLiteral("sourceDbServerResourceId"), spec.sourceDbServerResourceId},
        {QStringLiteral("secretParameters"), secrets},
        {QStringLiteral("dbsToMigrate"), toArray(spec.dbsToMigrate)},
        {QStringLiteral("overwriteDbsInTarget"), tf(spec.overwriteDbsInTarget)},
        {QStringLiteral("migrateRoles"), tf(spec.migrateRoles)},
        {QStringLiteral("setupLogicalReplicationOnSourceDbIfNeeded"),
         tf(spec.setupLogicalReplicationOnSourceDbIfNeeded)}};
    if (!spec.sourceDbServerFullyQualifiedDomainName.isEmpty())
        props.insert(QStringLiteral("sourceDbServerFullyQualifiedDomainName"),
                     spec.sourceDbServerFullyQualifiedDomainName);
    if (!spec.targetDbServerFullyQualifiedDomainName.isEmpty())
        props.insert(QStringLiteral("targetDbServerFullyQualifiedDomainName"),
                     spec.targetDbServerFullyQualifiedDomainName);
    if (!spec.migrationInstanceResourceId.isEmpty())
        props.insert(QStringLiteral("migrationInstanceResourceId"), spec.migrationInstanceResourceId);
    ArmRequest r = ArmRequest::withBody(
        "PUT", child(s, QStringLiteral("migrations"), name), pg(),
        QJsonObject{{QStringLiteral("location"), spec.location}, {QStringLiteral("properties"), props}},
        QStringLiteral("create migration %1 on server %2").arg(name, s.name));
    r.longRunning = false; // 200/201 synchronous; progress is polled with GET
    return r;
}

ArmRequest getMigration(const ResourceId &s, const QString &name)
{
    return ArmRequest::get(child(s, QStringLiteral("migrations"), name), pg(),
                           QStringLiteral("read migration %1 on server %2").arg(name, s.name));
}

ArmRequest listMigrations(const ResourceId &s, bool all)
{
    ArmRequest r = ArmRequest::list(child(s, QStringLiteral("migrations")) +
                                        QStringLiteral("?migrationListFilter=") + (all ? u"All" : u"Active"),
                                    pg(), QStringLiteral("list migrations on server %1").arg(s.name));
    return r;
}

ArmRequest triggerCutover(const ResourceId &s, const QString &name, const QStringList &dbs)
{
    QJsonObject props{{QStringLiteral("triggerCutover"), QStringLiteral("True")}};
    if (!dbs.isEmpty())
        props.insert(QStringLiteral("dbsToTriggerCutoverOn"), toArray(dbs));
    ArmRequest r = ArmRequest::withBody(
        "PATCH", child(s, QStringLiteral("migrations"), name), pg(),
        QJsonObject{{QStringLiteral("properties"), props}},
        QStringLiteral("trigger cutover of migration %1 on server %2").arg(name, s.name));
    r.longRunning = false;
    return r;
}

ArmRequest cancelMigration(const ResourceId &s, const QString &name)
{
    ArmRequest r = ArmRequest::remove(child(s, QStringLiteral("migrations"), name), pg(),
                                      QStringLiteral("cancel migration %1 on server %2").arg(name, s.name));
    r.longRunning = false;
    return r;
}

} // namespace pgferry::azure::api
