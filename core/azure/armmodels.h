// The ARM resources pgferry reads, as plain values parsed leniently from their JSON (unknown
// fields ignored, missing ones left empty; never throws), plus the backup checks for the Done page.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace pgferry::azure {

struct Subscription
{
    QString id, subscriptionId, displayName, tenantId, state;
    static Subscription fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

struct ResourceGroup
{
    QString id, name, location, provisioningState;
    static ResourceGroup fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

struct FlexibleServer
{
    QString id, name, location;
    QString skuName, skuTier;
    QString version, minorVersion, state, fullyQualifiedDomainName, administratorLogin;
    int storageSizeGB = 0;
    QString storageAutoGrow;
    int backupRetentionDays = 0;
    QString geoRedundantBackup; // Enabled | Disabled
    QString earliestRestoreDate;
    QString highAvailabilityMode, highAvailabilityState;
    QString publicNetworkAccess;
    QString delegatedSubnetResourceId, privateDnsZoneArmResourceId; // private access (VNet integration)
    int privateEndpointConnections = 0, approvedPrivateEndpoints = 0;
    QString replicationRole;
    QString availabilityZone;

    static FlexibleServer fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

struct FirewallRule
{
    QString id, name, startIpAddress, endIpAddress;
    static FirewallRule fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

struct FlexibleDatabase
{
    QString id, name, charset, collation;
    static FlexibleDatabase fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

struct ServerConfiguration
{
    QString id, name, value, defaultValue, dataType, allowedValues, source;
    bool isDynamicConfig = false, isReadOnly = false, isConfigPendingRestart = false;
    static ServerConfiguration fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

struct ManagementLock
{
    QString id, name, level, notes;
    static ManagementLock fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
};

// A finding of the post-migration checks of a server's backups: ok false is a recommendation.
struct BackupCheck
{
    QString name; // retention, geo_redundancy, high_availability
    bool ok = false;
    QString message; // what was found and what to do
};
QList<BackupCheck> checkBackups(const FlexibleServer &server, int minRetentionDays = 7);

} // namespace pgferry::azure
