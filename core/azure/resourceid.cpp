#include "azure/resourceid.h"

#include <QStringList>

namespace pgferry::azure {

QString ResourceId::toString() const
{
    return QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/%3/%4/%5")
        .arg(subscriptionId, resourceGroup, provider, type, name);
}

bool ResourceId::isFlexibleServer() const
{
    return provider.compare(u"Microsoft.DBforPostgreSQL", Qt::CaseInsensitive) == 0 &&
           type.compare(u"flexibleServers", Qt::CaseInsensitive) == 0;
}

std::optional<ResourceId> ResourceId::parse(const QString &id, QString *error)
{
    const QStringList p = id.trimmed().split(u'/', Qt::SkipEmptyParts);
    // subscriptions S resourceGroups G providers P T N
    if (p.size() != 8 || p[0].compare(u"subscriptions", Qt::CaseInsensitive) != 0 ||
        p[2].compare(u"resourceGroups", Qt::CaseInsensitive) != 0 ||
        p[4].compare(u"providers", Qt::CaseInsensitive) != 0) {
        if (error)
            *error = QStringLiteral("\"%1\" is not a resource id; expected "
                                    "/subscriptions/SUBSCRIPTION/resourceGroups/GROUP/providers/"
                                    "Microsoft.DBforPostgreSQL/flexibleServers/NAME")
                         .arg(id);
        return std::nullopt;
    }
    for (const QString &part : p) {
        if (part.contains(u'?') || part.contains(u'#') || part.contains(u'%') || part.contains(u'\\')) {
            if (error)
                *error =
                    QStringLiteral("resource id \"%1\" contains characters that are not allowed (? # % \\)")
                        .arg(id);
            return std::nullopt;
        }
    }
    return ResourceId{p[1], p[3], p[5], p[6], p[7]};
}

ResourceId ResourceId::flexibleServer(const QString &subscription, const QString &resourceGroup,
                                      const QString &server)
{
    return {subscription, resourceGroup, QStringLiteral("Microsoft.DBforPostgreSQL"),
            QStringLiteral("flexibleServers"), server};
}

} // namespace pgferry::azure
