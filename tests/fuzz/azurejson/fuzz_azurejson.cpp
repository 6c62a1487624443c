// libFuzzer target for the Azure JSON models: every parser must accept any bytes without
// crashing, leaking or hanging, and produce values the rest of pgferry can use.
#include "azure/armerror.h"
#include "azure/armmodels.h"
#include "azure/azuremigration.h"
#include "azure/cloud.h"
#include "azure/credential.h"
#include "azure/managedengine.h"
#include "azure/redact.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace pgferry;
using namespace pgferry::azure;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)ArmError::fromBody(int(size % 600), bytes).userMessage();
    QString why;
    (void)TokenResponse::parse(bytes, &why);
    (void)redactBody(bytes);
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    QJsonObject o = doc.object();
    if (doc.isArray() && !doc.array().isEmpty())
        o = doc.array().first().toObject();
    (void)Cloud::fromJson(o, &why);
    (void)Subscription::fromJson(o).toJson();
    (void)ResourceGroup::fromJson(o).toJson();
    const FlexibleServer server = FlexibleServer::fromJson(o);
    (void)server.toJson();
    (void)checkBackups(server);
    (void)FirewallRule::fromJson(o).toJson();
    (void)FlexibleDatabase::fromJson(o).toJson();
    (void)ServerConfiguration::fromJson(o).toJson();
    (void)ManagementLock::fromJson(o).toJson();
    for (const QJsonValue &v : o.value(u"value").toArray())
        (void)FlexibleServer::fromJson(v.toObject());
    // An example file wraps bodies in responses.<status>.body.
    const QJsonObject responses = o.value(u"responses").toObject();
    for (auto it = responses.begin(); it != responses.end(); ++it)
        (void)AzureMigration::fromJson(it.value().toObject().value(u"body").toObject());
    const AzureMigration m = AzureMigration::fromJson(o);
    engine::MigrationStatus base;
    base.mode = QStringLiteral("online");
    for (const QString &name : m.dbsToMigrate.mid(0, 60)) {
        engine::DatabaseStatus d;
        d.name = name;
        base.databases.append(d);
    }
    const engine::MigrationStatus s = ManagedEngine::mapStatus(m, base);
    (void)QJsonDocument(s.toJson()).toJson();
    for (const ValidationIssue &v : m.validationIssues)
        (void)v.toString();
    return 0;
}
