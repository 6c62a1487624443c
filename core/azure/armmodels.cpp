#include "azure/armmodels.h"

#include <QJsonArray>

namespace pgferry::azure {

namespace {
QJsonObject obj(const QJsonObject &o, const char16_t *k)
{
    return o.value(QStringView(k)).toObject();
}
QString str(const QJsonObject &o, const char16_t *k)
{
    return o.value(QStringView(k)).toString();
}
int num(const QJsonObject &o, const char16_t *k)
{
    const QJsonValue v = o.value(QStringView(k));
    return v.isString() ? v.toString().toInt() : v.toInt();
}
bool flag(const QJsonObject &o, const char16_t *k)
{
    const QJsonValue v = o.value(QStringView(k));
    return v.isString() ? v.toString().compare(u"true", Qt::CaseInsensitive) == 0 : v.toBool();
}
} // namespace

Subscription Subscription::fromJson(const QJsonObject &o)
{
    return {str(o, u"id"), str(o, u"subscriptionId"), str(o, u"displayName"), str(o, u"tenantId"),
            str(o, u"state")};
}

QJsonObject Subscription::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("subscriptionId"), subscriptionId},
            {QStringLiteral("displayName"), displayName},
            {QStringLiteral("tenantId"), tenantId},
            {QStringLiteral("state"), state}};
}

ResourceGroup ResourceGroup::fromJson(const QJsonObject &o)
{
    return {str(o, u"id"), str(o, u"name"), str(o, u"location"),
            str(obj(o, u"properties"), u"provisioningState")};
}

QJsonObject ResourceGroup::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("location"), location},
            {QStringLiteral("provisioningState"), provisioningState}};
}

FlexibleServer FlexibleServer::fromJson(const QJsonObject &o)
{
    FlexibleServer s;
    s.id = str(o, u"id");
    s.name = str(o, u"name");
    s.location = str(o, u"location");
    const QJsonObject sku = obj(o, u"sku");
    s.skuName = str(sku, u"name");
    s.skuTier = str(sku, u"tier");
    const QJsonObject p = obj(o, u"properties");
    s.version = str(p, u"version");
    s.minorVersion = str(p, u"minorVersion");
    s.state = str(p, u"state");
    s.fullyQualifiedDomainName = str(p, u"fullyQualifiedDomainName");
    s.administratorLogin = str(p, u"administratorLogin");
    const QJsonObject st = obj(p, u"storage");
    s.storageSizeGB = num(st, u"storageSizeGB");
    s.storageAutoGrow = str(st, u"autoGrow");
    const QJsonObject b = obj(p, u"backup");
    s.backupRetentionDays = num(b, u"backupRetentionDays");
    s.geoRedundantBackup = str(b, u"geoRedundantBackup");
    s.earliestRestoreDate = str(b, u"earliestRestoreDate");
    const QJsonObject ha = obj(p, u"highAvailability");
    s.highAvailabilityMode = str(ha, u"mode");
    s.highAvailabilityState = str(ha, u"state");
    const QJsonObject net = obj(p, u"network");
    s.publicNetworkAccess = str(net, u"publicNetworkAccess");
    s.delegatedSubnetResourceId = str(net, u"delegatedSubnetResourceId");
    s.privateDnsZoneArmResourceId = str(net, u"privateDnsZoneArmResourceId");
    for (const QJsonValue &v : p.value(u"privateEndpointConnections").toArray()) {
        ++s.privateEndpointConnections;
        const QJsonObject state = obj(obj(v.toObject(), u"properties"), u"privateLinkServiceConnectionState");
        if (str(state, u"status").compare(u"Approved", Qt::CaseInsensitive) == 0)
            ++s.approvedPrivateEndpoints;
    }
    s.replicationRole = str(p, u"replicationRole");
    s.availabilityZone = str(p, u"availabilityZone");
    return s;
}

QJsonObject FlexibleServer::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("location"), location},
            {QStringLiteral("sku"), skuName},
            {QStringLiteral("tier"), skuTier},
            {QStringLiteral("version"), version},
            {QStringLiteral("state"), state},
            {QStringLiteral("fqdn"), fullyQualifiedDomainName},
            {QStringLiteral("administratorLogin"), administratorLogin},
            {QStringLiteral("storageSizeGB"), storageSizeGB},
            {QStringLiteral("backupRetentionDays"), backupRetentionDays},
            {QStringLiteral("geoRedundantBackup"), geoRedundantBackup},
            {QStringLiteral("highAvailability"), highAvailabilityMode},
            {QStringLiteral("publicNetworkAccess"), publicNetworkAccess},
            {QStringLiteral("delegatedSubnetResourceId"), delegatedSubnetResourceId},
            {QStringLiteral("privateDnsZoneArmResourceId"), privateDnsZoneArmResourceId},
            {QStringLiteral("privateEndpointConnections"), privateEndpointConnections},
            {QStringLiteral("replicationRole"), replicationRole}};
}

FirewallRule FirewallRule::fromJson(const QJsonObject &o)
{
    const QJsonObject p = obj(o, u"properties");
    return {str(o, u"id"), str(o, u"name"), str(p, u"startIpAddress"), str(p, u"endIpAddress")};
}

QJsonObject FirewallRule::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("startIpAddress"), startIpAddress},
            {QStringLiteral("endIpAddress"), endIpAddress}};
}

FlexibleDatabase FlexibleDatabase::fromJson(const QJsonObject &o)
{
    const QJsonObject p = obj(o, u"properties");
    return {str(o, u"id"), str(o, u"name"), str(p, u"charset"), str(p, u"collation")};
}

QJsonObject FlexibleDatabase::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("charset"), charset},
            {QStringLiteral("collation"), collation}};
}

ServerConfiguration ServerConfiguration::fromJson(const QJsonObject &o)
{
    const QJsonObject p = obj(o, u"properties");
    ServerConfiguration c;
    c.id = str(o, u"id");
    c.name = str(o, u"name");
    c.value = str(p, u"value");
    c.defaultValue = str(p, u"defaultValue");
    c.dataType = str(p, u"dataType");
    c.allowedValues = str(p, u"allowedValues");
    c.source = str(p, u"source");
    c.isDynamicConfig = flag(p, u"isDynamicConfig");
    c.isReadOnly = flag(p, u"isReadOnly");
    c.isConfigPendingRestart = flag(p, u"isConfigPendingRestart");
    return c;
}

QJsonObject ServerConfiguration::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("value"), value},
            {QStringLiteral("defaultValue"), defaultValue},
            {QStringLiteral("source"), source},
            {QStringLiteral("isConfigPendingRestart"), isConfigPendingRestart}};
}

ManagementLock ManagementLock::fromJson(const QJsonObject &o)
{
    const QJsonObject p = obj(o, u"properties");
    return {str(o, u"id"), str(o, u"name"), str(p, u"level"), str(p, u"notes")};
}

QJsonObject ManagementLock::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("level"), level},
            {QStringLiteral("notes"), notes}};
}

QList<BackupCheck> checkBackups(const FlexibleServer &s, int minRetentionDays)
{
    QList<BackupCheck> out;
    const bool retentionOk = s.backupRetentionDays >= minRetentionDays;
    out.append(
        {QStringLiteral("retention"), retentionOk,
         retentionOk
             ? QStringLiteral("server %1 keeps backups for %2 days").arg(s.name).arg(s.backupRetentionDays)
             : QStringLiteral("server %1 keeps backups for only %2 days; raise backup.backupRetentionDays to "
                              "at least %3 (up to 35) with a PATCH of the server")
                   .arg(s.name)
                   .arg(s.backupRetentionDays)
                   .arg(minRetentionDays)});
    const bool geo = s.geoRedundantBackup.compare(u"Enabled", Qt::CaseInsensitive) == 0;
    out.append(
        {QStringLiteral("geo_redundancy"), geo,
         geo ? QStringLiteral("server %1 has geo-redundant backups").arg(s.name)
             : QStringLiteral("server %1 has no geo-redundant backups; this can only be chosen when a server "
                              "is created, so add a read replica in another region (`pgferry-cli azure "
                              "replica`) or restore into a new server with geo-redundant backup")
                   .arg(s.name)});
    const bool ha = !s.highAvailabilityMode.isEmpty() &&
                    s.highAvailabilityMode.compare(u"Disabled", Qt::CaseInsensitive) != 0;
    out.append(
        {QStringLiteral("high_availability"), ha,
         ha ? QStringLiteral("server %1 has high availability (%2)").arg(s.name, s.highAvailabilityMode)
            : QStringLiteral("server %1 has high availability off; after cutover enable it (ZoneRedundant or "
                             "SameZone) if the workload needs it")
                  .arg(s.name)});
    return out;
}

} // namespace pgferry::azure
