// An ARM resource id such as
// /subscriptions/S/resourceGroups/G/providers/Microsoft.DBforPostgreSQL/flexibleServers/N, parsed
// case-insensitively (the specs mix Microsoft.DBForPostgreSql and Microsoft.DBforPostgreSQL).
#pragma once

#include <QString>

#include <optional>

namespace pgferry::azure {

struct ResourceId
{
    QString subscriptionId;
    QString resourceGroup;
    QString provider; // e.g. Microsoft.DBforPostgreSQL
    QString type;     // e.g. flexibleServers
    QString name;

    // Canonical form with the provider spelled as given.
    QString toString() const;
    bool isFlexibleServer() const;

    static std::optional<ResourceId> parse(const QString &id, QString *error = nullptr);
    static ResourceId flexibleServer(const QString &subscription, const QString &resourceGroup,
                                     const QString &server);
};

} // namespace pgferry::azure
