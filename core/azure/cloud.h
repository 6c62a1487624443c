// An Azure cloud: where to sign in and where Resource Manager lives. The public, China and US
// Government clouds are built in; any other cloud (Azure Stack, a sovereign cloud, or the fake
// used by the tests) comes from a file in the shape `az cloud show` prints.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace pgferry::azure {

struct Cloud
{
    QString name;
    QUrl activeDirectory;              // e.g. https://login.microsoftonline.com
    QUrl resourceManager;              // e.g. https://management.azure.com/
    QString activeDirectoryResourceId; // e.g. https://management.core.windows.net/ (scope base)

    // {activeDirectory}/{tenant}/oauth2/v2.0/{token|devicecode}
    QUrl tokenUrl(const QString &tenant) const;
    QUrl deviceCodeUrl(const QString &tenant) const;
    // {activeDirectoryResourceId}/.default
    QString defaultScope() const;
    // Azure Database for PostgreSQL's Microsoft Entra ID scope in this cloud (the token is the
    // database password): https://ossrdbms-aad.database.windows.net/.default in the public cloud
    // and any cloud from a file, the national clouds' own hosts in theirs.
    QString databaseScope() const;
    // An ARM path (starting with '/') or an absolute URL, resolved against resourceManager.
    QUrl armUrl(const QString &pathOrUrl) const;
    // True when url is on this cloud's Resource Manager host (tokens are never sent elsewhere).
    bool isArmUrl(const QUrl &url) const;

    // Checks that the endpoints are absolute https URLs (plain http only for loopback hosts).
    bool validate(QString *error) const;

    static Cloud azurePublic();
    static Cloud azureChina();
    static Cloud azureUSGovernment();
    // AzureCloud, AzureChinaCloud, AzureUSGovernment (case-insensitive); nullopt otherwise.
    static std::optional<Cloud> builtin(const QString &name);
    // The `az cloud show` JSON shape: {"name":…, "endpoints":{"activeDirectory":…, "resourceManager":…,
    // "activeDirectoryResourceId":…}}. Validated; nullopt with *error on any problem.
    static std::optional<Cloud> fromJson(const QJsonObject &o, QString *error);
    static std::optional<Cloud> fromFile(const QString &path, QString *error);
    QJsonObject toJson() const;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(const QString &host);

} // namespace pgferry::azure
