// The ARM operations pgferry performs, as ArmRequest builders that follow the official contracts
// (../shared/azure-specs): Microsoft.DBforPostgreSQL 2025-08-01, locks 2020-05-01, subscriptions
// 2022-12-01, resource groups 2025-04-01, metric alerts 2018-03-01, action groups 2023-01-01. Send them with
// ArmClient::start()/call(); parse the results with armmodels.h. Name and address checks return a message
// that says what to fix.
#pragma once

#include "azure/alertrules.h"
#include "azure/armrequest.h"
#include "azure/resourceid.h"

#include <QDateTime>
#include <QStringList>

namespace pgferry::azure::api {

inline constexpr auto kPostgresApi = u"2025-08-01";
inline constexpr auto kLocksApi = u"2020-05-01";
inline constexpr auto kSubscriptionsApi = u"2022-12-01";
inline constexpr auto kResourceGroupsApi = u"2025-04-01";
inline constexpr auto kMetricAlertsApi = u"2018-03-01";
inline constexpr auto kActionGroupsApi = u"2023-01-01";
// The CanNotDelete lock `pgferry-cli azure lock` and the wizard's Done page put on a migrated server
// unless told otherwise; one name, so that either finds (and a rerun replaces) the other's lock.
inline constexpr auto kDeleteLockName = u"pgferry-do-not-delete";
inline constexpr auto kDeleteLockNotes = u"Protected after migration by pgferry";

// Validation (empty string: fine; otherwise what is wrong and what is allowed).
QString checkServerName(const QString &name);
QString checkFirewallRuleName(const QString &name);
QString checkMigrationName(const QString &name);
QString checkLockName(const QString &name);
QString checkIpv4(const QString &address);
QString checkDatabaseName(const QString &name);
// The type an ARM id names ("Microsoft.Network/virtualNetworks/subnets"), or empty when `id` is not
// /subscriptions/S/resourceGroups/G/providers/NAMESPACE/TYPE/NAME[/TYPE/NAME…].
QString armIdType(const QString &id);
// Private access: a subnet (delegated to Microsoft.DBforPostgreSQL/flexibleServers), a private DNS
// zone, and the runtime server of a managed migration (a flexible server). `what` names the option.
QString checkSubnetId(const QString &id, const QString &what = QStringLiteral("subnet"));
QString checkPrivateDnsZoneId(const QString &id, const QString &what = QStringLiteral("private DNS zone"));
QString checkRuntimeServerId(const QString &id, const QString &what = QStringLiteral("runtime server"));

// Subscriptions and resource groups.
ArmRequest listSubscriptions();
ArmRequest listResourceGroups(const QString &subscriptionId);
ArmRequest getResourceGroup(const QString &subscriptionId, const QString &resourceGroup);

// Flexible servers.
ArmRequest listServers(const QString &subscriptionId, const QString &resourceGroup = {});
ArmRequest getServer(const ResourceId &server);

struct ServerSpec
{
    ResourceId id;
    QString location;
    QString version = QStringLiteral("16");
    QString skuName = QStringLiteral("Standard_D2ds_v5");
    QString skuTier = QStringLiteral("GeneralPurpose");
    int storageSizeGB = 128;
    QString administratorLogin;
    QString administratorLoginPassword; // only in the request body
    bool geoRedundantBackup = false;
    int backupRetentionDays = 7;
    // High availability stays off while a migration runs; enable it after cutover.
    QString highAvailabilityMode = QStringLiteral("Disabled");
    // Private access (both or neither): the server is injected into this subnet of the customer's
    // virtual network and has no public endpoint; its name resolves through the private DNS zone.
    QString delegatedSubnetResourceId;
    QString privateDnsZoneArmResourceId;
};
QString checkServerSpec(const ServerSpec &spec);
ArmRequest createServer(const ServerSpec &spec);
ArmRequest createReadReplica(const ResourceId &replica, const QString &location, const ResourceId &source);
ArmRequest pointInTimeRestore(const ResourceId &newServer, const QString &location, const ResourceId &source,
                              const QDateTime &pointInTimeUtc);
ArmRequest setBackupRetention(const ResourceId &server, int days);
ArmRequest restartServer(const ResourceId &server);

// Firewall rules (IPv4 only).
ArmRequest listFirewallRules(const ResourceId &server);
ArmRequest putFirewallRule(const ResourceId &server, const QString &name, const QString &startIp,
                           const QString &endIp);
ArmRequest deleteFirewallRule(const ResourceId &server, const QString &name);

// Databases.
ArmRequest listDatabases(const ResourceId &server);
ArmRequest createDatabase(const ResourceId &server, const QString &name,
                          const QString &charset = QStringLiteral("UTF8"),
                          const QString &collation = QStringLiteral("en_US.utf8"));

// Server parameters (configurations), e.g. azure.extensions.
ArmRequest listConfigurations(const ResourceId &server);
ArmRequest getConfiguration(const ResourceId &server, const QString &name);
ArmRequest setConfiguration(const ResourceId &server, const QString &name, const QString &value);
// The azure.extensions value that adds `missing` to `current` (comma-separated, no duplicates).
QString extensionsAllowList(const QString &current, const QStringList &missing);

// Management locks on a resource (scope = its full id).
ArmRequest createLock(const QString &scopeId, const QString &name,
                      const QString &level = QStringLiteral("CanNotDelete"), const QString &notes = {});
ArmRequest listLocks(const QString &scopeId);
ArmRequest deleteLock(const QString &scopeId, const QString &name);

// Azure Monitor: an action group (location Global) and a metric alert rule on one server (location
// global), both synchronous PUTs that create or replace.
ArmRequest getActionGroup(const ResourceId &group);
ArmRequest putActionGroup(const ResourceId &group, const QJsonObject &properties);
ArmRequest putMetricAlert(const ResourceId &rule, const ResourceId &server, const AlertRule &alert,
                          const QString &actionGroupId);

// Azure's migration service: {server}/migrations/{name}.
struct MigrationSpec
{
    QString location; // the target server's region
    bool online = true;
    QString option = QStringLiteral("ValidateAndMigrate"); // Validate | Migrate | ValidateAndMigrate
    QString sourceType = QStringLiteral("OnPremises");
    QString sslMode = QStringLiteral("Prefer"); // Prefer | Require | VerifyCA | VerifyFull
    QString sourceDbServerResourceId;           // "host:port@user", or the ARM id of a Single Server
    QString sourceDbServerFullyQualifiedDomainName;
    QString targetDbServerFullyQualifiedDomainName;
    QStringList dbsToMigrate; // at most 50
    bool overwriteDbsInTarget = false;
    bool migrateRoles = false;
    bool setupLogicalReplicationOnSourceDbIfNeeded = false;
    QString sourceServerPassword; // only in the request body, never logged
    QString targetServerPassword;
    QString sourceServerUsername;
    QString targetServerUsername;
    // The runtime server (a flexible server that reaches a private source) for private endpoint
    // scenarios: properties.migrationInstanceResourceId. Empty: the target server runs it.
    QString migrationInstanceResourceId;
};
QString checkMigrationSpec(const MigrationSpec &spec);
QString sslModeFor(const QString &libpqSslMode);
ArmRequest checkMigrationNameAvailability(const ResourceId &server, const QString &name);
ArmRequest createMigration(const ResourceId &server, const QString &name, const MigrationSpec &spec);
ArmRequest getMigration(const ResourceId &server, const QString &name);
ArmRequest listMigrations(const ResourceId &server, bool all = false);
// PATCH triggerCutover "True" (dbs empty: every database).
ArmRequest triggerCutover(const ResourceId &server, const QString &name, const QStringList &dbs = {});
// 2025-08-01: a cancel is a DELETE of the migration.
ArmRequest cancelMigration(const ResourceId &server, const QString &name);

} // namespace pgferry::azure::api
