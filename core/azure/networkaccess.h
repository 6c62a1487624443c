// How a flexible server can be reached, read from its network properties (2025-08-01 contract:
// network.publicNetworkAccess, network.delegatedSubnetResourceId, network.privateDnsZoneArmResourceId
// and privateEndpointConnections), and where pgferry must run to reach a server without public
// access. Known from ARM alone, so it is said before a connection attempt can time out.
#pragma once

#include "assess/check.h"
#include "azure/armmodels.h"
#include "project/project.h"

#include <QString>

namespace pgferry::azure {

struct NetworkAccess
{
    enum class Kind {
        Public,          // public access (firewall rules), possibly private endpoints too
        VNetIntegrated,  // private access: injected into a delegated subnet of the customer's VNet
        PrivateEndpoint, // public access disabled, reached through approved private endpoint(s)
        Closed,          // public access disabled and no approved private endpoint: nothing reaches it
    };
    Kind kind = Kind::Public;
    QString server;
    QString virtualNetwork, subnet; // VNetIntegrated: from the delegated subnet's id
    QString privateDnsZone;         // VNetIntegrated: the zone's name
    int approvedPrivateEndpoints = 0;

    bool isPrivate() const { return kind != Kind::Public; }
    static NetworkAccess of(const FlexibleServer &server);
    // Empty for a public server; otherwise what the server accepts and where pgferry must run.
    QString whereToRun() const;
};

// The assessment's "target.azure_network" check: pass for public access; a warning for a server
// without public access that names the network and where pgferry must run (assess() lowers it to
// info when the target connected, i.e. pgferry already runs there).
assess::Check networkAccessCheck(const FlexibleServer &server);
// For a project whose target names its Azure resource id: signs in as the managed engine does, reads
// the server (one GET, blocking, never throws); an info check when it cannot be read.
assess::Check networkAccessCheck(const project::Project &project);

} // namespace pgferry::azure
