#include "azure/networkaccess.h"

#include "azure/armapi.h"
#include "azure/armclient.h"
#include "azure/projectsignin.h"
#include "azure/resourceid.h"

#include <QStringList>

namespace pgferry::azure {

namespace {
const QString kCheckId = QStringLiteral("target.azure_network");

// The segment after `type` in an ARM id (…/virtualNetworks/V/subnets/S), case-insensitively.
QString segmentAfter(const QString &id, const QString &type)
{
    const QStringList p = id.split(u'/', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i + 1 < p.size(); ++i)
        if (p[i].compare(type, Qt::CaseInsensitive) == 0)
            return p[i + 1];
    return {};
}
} // namespace

NetworkAccess NetworkAccess::of(const FlexibleServer &s)
{
    NetworkAccess n;
    n.server = s.name;
    n.approvedPrivateEndpoints = s.approvedPrivateEndpoints;
    if (!s.delegatedSubnetResourceId.isEmpty()) {
        n.kind = Kind::VNetIntegrated;
        n.virtualNetwork = segmentAfter(s.delegatedSubnetResourceId, QStringLiteral("virtualNetworks"));
        n.subnet = segmentAfter(s.delegatedSubnetResourceId, QStringLiteral("subnets"));
        n.privateDnsZone = segmentAfter(s.privateDnsZoneArmResourceId, QStringLiteral("privateDnsZones"));
    } else if (s.publicNetworkAccess.compare(u"Disabled", Qt::CaseInsensitive) == 0) {
        n.kind = s.approvedPrivateEndpoints > 0 ? Kind::PrivateEndpoint : Kind::Closed;
    }
    return n;
}

QString NetworkAccess::whereToRun() const
{
    const QString runThere = QStringLiteral("Run pgferry where that network is reachable: on a machine in "
                                            "the virtual network (or a peered one), or on premises "
                                            "connected over a site-to-site VPN or ExpressRoute, with DNS "
                                            "resolving the server's name to its private address. "
                                            "A firewall rule cannot open it.");
    switch (kind) {
    case Kind::Public:
        return {};
    case Kind::VNetIntegrated:
        return QStringLiteral("Server %1 has private access only: it is integrated into subnet %2 of virtual "
                              "network %3%4. ")
                   .arg(server, subnet.isEmpty() ? QStringLiteral("?") : subnet,
                        virtualNetwork.isEmpty() ? QStringLiteral("?") : virtualNetwork,
                        privateDnsZone.isEmpty()
                            ? QString()
                            : QStringLiteral(" (private DNS zone %1)").arg(privateDnsZone)) +
               runThere;
    case Kind::PrivateEndpoint:
        return QStringLiteral(
                   "Server %1 has public access disabled and is reached through %2 private endpoint(s). ")
                   .arg(server)
                   .arg(approvedPrivateEndpoints) +
               runThere;
    case Kind::Closed:
        return QStringLiteral("Server %1 has public access disabled and no approved private endpoint, so "
                              "nothing can reach it. Approve or "
                              "add a private endpoint to a virtual network that pgferry can reach (inside "
                              "it, or over a site-to-site VPN or "
                              "ExpressRoute), or enable public access.")
            .arg(server);
    }
    return {};
}

assess::Check networkAccessCheck(const FlexibleServer &server)
{
    const NetworkAccess n = NetworkAccess::of(server);
    assess::Check c;
    c.id = kCheckId;
    if (!n.isPrivate()) {
        c.severity = assess::Severity::Pass;
        c.message = QStringLiteral("Server %1 accepts public connections through its firewall rules.")
                        .arg(server.name);
        return c;
    }
    c.severity = assess::Severity::Warning;
    c.objects = {server.name};
    c.message = n.whereToRun();
    c.setFixes({assess::Fix{
        assess::FixTarget::Manual,
        {},
        QStringLiteral("Run pgferry on a machine inside the server's virtual network (or a peered one), or "
                       "connect this machine to "
                       "it over the site-to-site VPN or ExpressRoute. With the \"azure\" engine, Azure's "
                       "migration service "
                       "reaches a private source through a runtime server: set azure.runtime_server "
                       "(`pgferry-cli project new … --runtime-server ID`).")}});
    return c;
}

assess::Check networkAccessCheck(const project::Project &project)
{
    auto couldNot = [](const QString &why) {
        assess::Check c;
        c.id = kCheckId;
        c.severity = assess::Severity::Info;
        c.message =
            QStringLiteral(
                "The target server's network access could not be read through Azure Resource Manager: %1")
                .arg(why);
        return c;
    };
    QString why;
    const auto server = ResourceId::parse(project.target.azureResourceId, &why);
    if (!server || !server->isFlexibleServer())
        return couldNot(why.isEmpty() ? QStringLiteral("\"%1\" is not a flexible server's resource id")
                                            .arg(project.target.azureResourceId)
                                      : why);
    std::optional<ProjectSignIn> signIn = ProjectSignIn::forProject(project, &why);
    if (!signIn)
        return couldNot(why);
    ArmClient client(signIn->cloud, signIn->credential.get());
    const ArmResult r = client.call(api::getServer(*server));
    if (!r.ok())
        return couldNot(r.error.userMessage());
    return networkAccessCheck(FlexibleServer::fromJson(r.body));
}

} // namespace pgferry::azure
