#include "azure/cloud.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>

namespace pgferry::azure {

namespace {

QString withoutTrailingSlash(QString s)
{
    while (s.endsWith(u'/'))
        s.chop(1);
    return s;
}

bool checkEndpoint(const QUrl &url, const QString &what, QString *error)
{
    auto fail = [&](const QString &why) {
        if (error)
            *error = QStringLiteral("cloud endpoint %1 (\"%2\") %3").arg(what, url.toString(), why);
        return false;
    };
    if (!url.isValid() || url.isRelative() || url.host().isEmpty())
        return fail(QStringLiteral("is not an absolute URL; give e.g. https://management.azure.com/"));
    const QString scheme = url.scheme().toLower();
    if (scheme == u"https")
        return true;
    if (scheme == u"http") {
        if (isLoopbackHost(url.host()))
            return true;
        return fail(
            QStringLiteral("uses plain http, which is accepted only for loopback addresses; use https"));
    }
    return fail(QStringLiteral("must use https"));
}

} // namespace

bool isLoopbackHost(const QString &host)
{
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress a;
    return a.setAddress(host) && a.isLoopback();
}

QUrl Cloud::tokenUrl(const QString &tenant) const
{
    return QUrl(withoutTrailingSlash(activeDirectory.toString()) + u'/' +
                QString::fromLatin1(QUrl::toPercentEncoding(tenant)) + QStringLiteral("/oauth2/v2.0/token"));
}

QUrl Cloud::deviceCodeUrl(const QString &tenant) const
{
    return QUrl(withoutTrailingSlash(activeDirectory.toString()) + u'/' +
                QString::fromLatin1(QUrl::toPercentEncoding(tenant)) +
                QStringLiteral("/oauth2/v2.0/devicecode"));
}

QString Cloud::defaultScope() const
{
    return withoutTrailingSlash(activeDirectoryResourceId) + QStringLiteral("/.default");
}

QUrl Cloud::armUrl(const QString &pathOrUrl) const
{
    if (pathOrUrl.startsWith(u"https://", Qt::CaseInsensitive) ||
        pathOrUrl.startsWith(u"http://", Qt::CaseInsensitive))
        return QUrl(pathOrUrl);
    QString base = withoutTrailingSlash(resourceManager.toString());
    return QUrl(base + (pathOrUrl.startsWith(u'/') ? pathOrUrl : u'/' + pathOrUrl));
}

bool Cloud::isArmUrl(const QUrl &url) const
{
    return url.scheme().compare(resourceManager.scheme(), Qt::CaseInsensitive) == 0 &&
           url.host().compare(resourceManager.host(), Qt::CaseInsensitive) == 0 &&
           url.port(url.scheme() == u"https" ? 443 : 80) ==
               resourceManager.port(resourceManager.scheme() == u"https" ? 443 : 80);
}

bool Cloud::validate(QString *error) const
{
    if (name.trimmed().isEmpty()) {
        if (error)
            *error = QStringLiteral("the cloud configuration has no \"name\"");
        return false;
    }
    if (activeDirectoryResourceId.trimmed().isEmpty()) {
        if (error)
            *error = QStringLiteral("cloud \"%1\" has no endpoints.activeDirectoryResourceId (e.g. "
                                    "https://management.core.windows.net/)")
                         .arg(name);
        return false;
    }
    return checkEndpoint(activeDirectory, QStringLiteral("activeDirectory"), error) &&
           checkEndpoint(resourceManager, QStringLiteral("resourceManager"), error);
}

QString Cloud::databaseScope() const
{
    if (name.compare(u"AzureChinaCloud", Qt::CaseInsensitive) == 0)
        return QStringLiteral("https://ossrdbms-aad.database.chinacloudapi.cn/.default");
    if (name.compare(u"AzureUSGovernment", Qt::CaseInsensitive) == 0)
        return QStringLiteral("https://ossrdbms-aad.database.usgovcloudapi.net/.default");
    return QStringLiteral("https://ossrdbms-aad.database.windows.net/.default");
}

Cloud Cloud::azurePublic()
{
    return {QStringLiteral("AzureCloud"), QUrl(QStringLiteral("https://login.microsoftonline.com")),
            QUrl(QStringLiteral("https://management.azure.com/")),
            QStringLiteral("https://management.core.windows.net/")};
}

Cloud Cloud::azureChina()
{
    return {QStringLiteral("AzureChinaCloud"), QUrl(QStringLiteral("https://login.chinacloudapi.cn")),
            QUrl(QStringLiteral("https://management.chinacloudapi.cn/")),
            QStringLiteral("https://management.core.chinacloudapi.cn/")};
}

Cloud Cloud::azureUSGovernment()
{
    return {QStringLiteral("AzureUSGovernment"), QUrl(QStringLiteral("https://login.microsoftonline.us")),
            QUrl(QStringLiteral("https://management.usgovcloudapi.net/")),
            QStringLiteral("https://management.core.usgovcloudapi.net/")};
}

std::optional<Cloud> Cloud::builtin(const QString &name)
{
    for (const Cloud &c : {azurePublic(), azureChina(), azureUSGovernment()})
        if (c.name.compare(name, Qt::CaseInsensitive) == 0)
            return c;
    return std::nullopt;
}

std::optional<Cloud> Cloud::fromJson(const QJsonObject &o, QString *error)
{
    const QJsonObject ep = o.value(u"endpoints").toObject();
    if (!o.value(u"endpoints").isObject()) {
        if (error)
            *error = QStringLiteral("the cloud configuration has no \"endpoints\" object (expected the shape "
                                    "`az cloud show` prints)");
        return std::nullopt;
    }
    Cloud c;
    c.name = o.value(u"name").toString();
    c.activeDirectory = QUrl(ep.value(u"activeDirectory").toString());
    c.resourceManager = QUrl(ep.value(u"resourceManager").toString());
    c.activeDirectoryResourceId = ep.value(u"activeDirectoryResourceId").toString();
    if (!c.validate(error))
        return std::nullopt;
    return c;
}

std::optional<Cloud> Cloud::fromFile(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read the cloud configuration %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(1024 * 1024), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error = QStringLiteral("the cloud configuration %1 is not a JSON object (%2 at offset %3); "
                                    "write it in the shape `az cloud show` prints")
                         .arg(path, pe.errorString())
                         .arg(pe.offset);
        return std::nullopt;
    }
    QString why;
    auto c = fromJson(doc.object(), &why);
    if (!c && error)
        *error = QStringLiteral("%1: %2").arg(path, why);
    return c;
}

QJsonObject Cloud::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("endpoints"),
             QJsonObject{{QStringLiteral("activeDirectory"), activeDirectory.toString()},
                         {QStringLiteral("resourceManager"), resourceManager.toString()},
                         {QStringLiteral("activeDirectoryResourceId"), activeDirectoryResourceId}}}};
}

} // namespace pgferry::azure
