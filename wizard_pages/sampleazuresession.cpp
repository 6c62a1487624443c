#include "sampleazuresession.h"

#include "azure/alertrules.h"
#include "azure/armapi.h"

#include <QTimer>

namespace pgferry::wizard {

namespace {
const QString kSubscription = QStringLiteral("0b1f6471-1bf0-4dda-aec3-111122223333");
}

AzureDeviceCode SampleAzureSession::sampleDeviceCode()
{
    return {QStringLiteral("HC7-4QZ-PK9"), QStringLiteral("https://microsoft.com/devicelogin"), {}};
}

QList<AzureSubscription> SampleAzureSession::sampleSubscriptions()
{
    return {{kSubscription, QStringLiteral("Contoso Production")},
            {QStringLiteral("7c2d9e10-44a1-4b52-9a0e-444455556666"), QStringLiteral("Contoso Dev/Test")}};
}

QList<AzureServer> SampleAzureSession::sampleServers()
{
    const QString prefix = QStringLiteral("/subscriptions/%1/resourceGroups/rg-contoso-data/providers/"
                                          "Microsoft.DBforPostgreSQL/flexibleServers/")
                               .arg(kSubscription);
    return {{QStringLiteral("contoso-pg"), QStringLiteral("contoso-pg.postgres.database.azure.com"),
             prefix + QStringLiteral("contoso-pg"), QStringLiteral("16"), QStringLiteral("West Europe"),
             QStringLiteral("pgadmin"), QStringLiteral("Ready")},
            {QStringLiteral("contoso-pg-staging"),
             QStringLiteral("contoso-pg-staging.postgres.database.azure.com"),
             prefix + QStringLiteral("contoso-pg-staging"), QStringLiteral("15"),
             QStringLiteral("West Europe"), QStringLiteral("pgadmin"), QStringLiteral("Stopped")}};
}

void SampleAzureSession::signIn()
{
    QTimer::singleShot(0, this, [this] {
        Q_EMIT deviceCode(sampleDeviceCode());
        m_signedIn = true;
        Q_EMIT signedIn(tr("Signed in."));
    });
}

void SampleAzureSession::subscriptions(Done<QList<AzureSubscription>> done)
{
    QTimer::singleShot(0, this, [done] { done(sampleSubscriptions(), {}); });
}

void SampleAzureSession::resourceGroups(const QString &, Done<QStringList> done)
{
    QTimer::singleShot(0, this, [done] {
        done({QStringLiteral("rg-contoso-data"), QStringLiteral("rg-contoso-web")}, {});
    });
}

void SampleAzureSession::servers(const QString &, const QString &, Done<QList<AzureServer>> done)
{
    QTimer::singleShot(0, this, [done] { done(sampleServers(), {}); });
}

void SampleAzureSession::createServer(const QString &subscriptionId, const QString &resourceGroup,
                                      const AzureServerSpec &spec, const QString &, Done<AzureServer> done)
{
    const AzureServer s{
        spec.name,
        spec.name + QStringLiteral(".postgres.database.azure.com"),
        QStringLiteral(
            "/subscriptions/%1/resourceGroups/%2/providers/Microsoft.DBforPostgreSQL/flexibleServers/%3")
            .arg(subscriptionId, resourceGroup, spec.name),
        spec.version,
        spec.location,
        spec.adminUser,
        QStringLiteral("Ready")};
    QTimer::singleShot(0, this, [done, s] { done(s, {}); });
}

void SampleAzureSession::publicAddress(Done<QString> done)
{
    QTimer::singleShot(0, this, [done] { done(QStringLiteral("203.0.113.24"), {}); });
}

void SampleAzureSession::addFirewallRule(const QString &, const QString &address, Done<QString> done)
{
    QTimer::singleShot(0, this, [done, address] {
        done(QStringLiteral("pgferry-") + QString(address).replace(u'.', u'-'), {});
    });
}

// The rules and names core/azure gives a primary without replicas and max_connections 200.
void SampleAzureSession::createAlerts(const QString &serverResourceId, const QString &, bool fallback,
                                      Done<AzureAlerts> done)
{
    const azure::ResourceId server =
        azure::ResourceId::parse(serverResourceId)
            .value_or(azure::ResourceId::flexibleServer(kSubscription, QStringLiteral("rg-contoso-data"),
                                                        QStringLiteral("contoso-pg")));
    azure::AlertSettings settings;
    settings.maxConnections = 200;
    settings.fallback = fallback;
    AzureAlerts a;
    a.actionGroup = azure::defaultActionGroupId(server).name;
    a.actionGroupChanged = true;
    for (const azure::AlertRule &rule : azure::alertRules(settings))
        a.rules << azure::alertRuleId(server, rule.key).name;
    QTimer::singleShot(0, this, [done, a] { done(a, {}); });
}

void SampleAzureSession::addDeleteLock(const QString &, Done<QString> done)
{
    QTimer::singleShot(0, this, [done] { done(QString::fromUtf16(azure::api::kDeleteLockName), {}); });
}

void SampleAzureSession::createReadReplica(const QString &sourceServerResourceId, const QString &name,
                                           const QString &location, Done<AzureServer> done)
{
    const QString id = sourceServerResourceId.section(u'/', 0, -2) + u'/' + name;
    const AzureServer s{name,
                        name + QStringLiteral(".postgres.database.azure.com"),
                        id,
                        QStringLiteral("16"),
                        location,
                        QStringLiteral("pgadmin"),
                        QStringLiteral("Ready")};
    QTimer::singleShot(0, this, [done, s] { done(s, {}); });
}

} // namespace pgferry::wizard
