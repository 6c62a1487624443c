// pgferry-cli azure login|logout|subscriptions|resource-groups|servers|create-server|firewall-allow|
// replica|lock|restore|parameter|check-backups|prepare-fallback|alerts|cancel-migration: Azure Resource
// Manager from the command line; size: a flexible server sized from the project's source.
// Credentials come from AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, or from the
// keychain after `login`. No token or secret is ever printed; --verbose prints the redacted request log.
#include "cli.h"
#include "common.h"

#include "azure/alertrules.h"
#include "azure/alertsetup.h"
#include "azure/armapi.h"
#include "azure/armclient.h"
#include "azure/armmodels.h"
#include "azure/cloud.h"
#include "azure/credential.h"
#include "azure/devicecodeflow.h"
#include "azure/fallbackreadiness.h"
#include "azure/keychaintokenstore.h"
#include "azure/managedengine.h"
#include "azure/networkaccess.h"
#include "azure/sizing.h"
#include "pg/error.h"
#include "project/secretstore.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace pgferry::cli {

namespace {

using namespace pgferry::azure;

QString azureUsage()
{
    QString thresholds;
    for (const AlertThreshold &t : alertThresholds())
        thresholds +=
            QStringLiteral("%1%2=%3: %4\n").arg(QString(51, u' '), t.key).arg(t.defaultValue).arg(t.meaning);
    thresholds.chop(1);
    return QStringLiteral(R"(usage: pgferry-cli azure COMMAND [options]

Commands:
  login [--client-id ID]                           sign in with a device code; the sign-in is kept in the OS keychain
  logout                                           forget the keychain sign-in of the tenant
  subscriptions                                    list subscriptions
  resource-groups --subscription ID
  servers --subscription ID [--resource-group RG]  list flexible servers
  create-server --subscription ID --resource-group RG --name NAME --location REGION --admin-user USER
                [--version 16] [--sku Standard_D2ds_v5] [--tier GeneralPurpose] [--storage-gb 128]
                [--backup-retention-days 7] [--geo-redundant-backup]
                [--subnet SUBNET_ID --private-dns-zone ZONE_ID]
                                                   private access: the server joins that delegated subnet of your
                                                   virtual network, with no public endpoint; pgferry must then run
                                                   inside that network or over its VPN / ExpressRoute
                                                   the admin password comes from PGFERRY_TARGET_PASSWORD;
                                                   high availability stays off until after cutover
  firewall-allow --server RESOURCE_ID --ip ADDRESS [--name RULE]
  replica --server RESOURCE_ID --name NAME --location REGION       read replica in another region
  lock --server RESOURCE_ID [--name NAME] [--notes TEXT]           CanNotDelete management lock
  restore --server RESOURCE_ID --name NEW --time ISO8601 [--location REGION]   point-in-time restore
  parameter --server RESOURCE_ID --name PARAM [--value VALUE | --add-extensions a,b]
  check-backups --server RESOURCE_ID                backup retention, geo-redundancy, high availability
  prepare-fallback --server RESOURCE_ID [--databases N] [--yes]
                                                   what a fallback after cutover needs on the target: sets
                                                   wal_level=logical (and max_replication_slots/max_wal_senders
                                                   when below N databases) and restarts the server, which takes
                                                   it offline briefly. Without --yes: prints the plan, exits 2
  alerts --server RESOURCE_ID --email ADDRESS [--action-group ID] [--threshold KEY=VALUE]... [--fallback]
                                                   Azure Monitor alert rules on the server that e-mail ADDRESS
                                                   through an action group (pgferry-SERVER-alerts unless --action-group);
                                                   the same names on every run, so a rerun updates them. Rules and
                                                   default thresholds (KEY for --threshold):
%1
                                                   is_db_alive: the server unavailable for 5 minutes (always)
  size FILE [--json] [--sample-seconds 10]
                                                   recommend tier, SKU, vCores and storage (with its IOPS tier) for
                                                   the project's databases from its source: their size x 1.25,
                                                   max_connections, shared_buffers and work_mem, and the transaction
                                                   and WAL rate over a short sample; each figure with its reason.
                                                   Reads the source only; no Azure sign-in.
  cancel-migration FILE [--yes] [--json] [--verbose]
                                                   cancel the managed migration of an "azure" engine project in
                                                   Azure (DELETE, api 2025-08-01); uses the project's cloud and
                                                   target; a `run` watching it then stops. The target databases
                                                   may be left partly migrated.

Options for every command but size and cancel-migration (an option that a command does not take is
refused, exit 2):
  --json                 machine-readable output
  --cloud NAME           AzureCloud (default), AzureChinaCloud or AzureUSGovernment (not for cancel-migration)
  --cloud-config FILE    another cloud, in the shape `az cloud show` prints
  --tenant ID            the tenant (default: AZURE_TENANT_ID, else "organizations")
  --verbose              print the request log (tokens and secrets redacted) to stderr

Credentials: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal,
otherwise the sign-in saved by `pgferry-cli azure login`.
Exit codes: 0 success, 1 failure, 2 usage error.
)")
        .arg(thresholds);
}

struct Options
{
    bool json = false;
    bool verbose = false;
    QString cloudName;
    QString cloudConfig;
    QString tenant;
    QHash<QString, QString> values;
    QSet<QString> flags;
    QStringList thresholds; // --threshold, repeatable
};

// Options that take a value, and flags, per the usage text.
const QStringList kValueOptions{QStringLiteral("cloud"),        QStringLiteral("cloud-config"),
                                QStringLiteral("tenant"),       QStringLiteral("client-id"),
                                QStringLiteral("subscription"), QStringLiteral("resource-group"),
                                QStringLiteral("name"),         QStringLiteral("location"),
                                QStringLiteral("admin-user"),   QStringLiteral("version"),
                                QStringLiteral("sku"),          QStringLiteral("tier"),
                                QStringLiteral("storage-gb"),   QStringLiteral("backup-retention-days"),
                                QStringLiteral("server"),       QStringLiteral("ip"),
                                QStringLiteral("notes"),        QStringLiteral("time"),
                                QStringLiteral("value"),        QStringLiteral("add-extensions"),
                                QStringLiteral("databases"),    QStringLiteral("email"),
                                QStringLiteral("action-group"), QStringLiteral("threshold"),
                                QStringLiteral("subnet"),       QStringLiteral("private-dns-zone")};
const QStringList kFlags{QStringLiteral("json"), QStringLiteral("verbose"),
                         QStringLiteral("geo-redundant-backup"), QStringLiteral("yes"),
                         QStringLiteral("fallback")};

// The options each command takes besides the common ones (--json, --verbose, --cloud, --cloud-config,
// --tenant): anything else is refused by name rather than ignored.
const QHash<QString, QStringList> &commandOptions()
{
    static const QHash<QString, QStringList> options{
        {QStringLiteral("login"), {QStringLiteral("client-id")}},
        {QStringLiteral("logout"), {}},
        {QStringLiteral("subscriptions"), {}},
        {QStringLiteral("resource-groups"), {QStringLiteral("subscription")}},
        {QStringLiteral("servers"), {QStringLiteral("subscription"), QStringLiteral("resource-group")}},
        {QStringLiteral("create-server"),
         {QStringLiteral("subscription"), QStringLiteral("resource-group"), QStringLiteral("name"),
          QStringLiteral("location"), QStringLiteral("admin-user"), QStringLiteral("version"),
          QStringLiteral("sku"), QStringLiteral("tier"), QStringLiteral("storage-gb"),
          QStringLiteral("backup-retention-days"), QStringLiteral("geo-redundant-backup"),
          QStringLiteral("subnet"), QStringLiteral("private-dns-zone")}},
        {QStringLiteral("firewall-allow"),
         {QStringLiteral("server"), QStringLiteral("ip"), QStringLiteral("name")}},
        {QStringLiteral("replica"),
         {QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("location")}},
        {QStringLiteral("lock"), {QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("notes")}},
        {QStringLiteral("restore"),
         {QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("time"),
          QStringLiteral("location")}},
        {QStringLiteral("parameter"),
         {QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("value"),
          QStringLiteral("add-extensions")}},
        {QStringLiteral("check-backups"), {QStringLiteral("server")}},
        {QStringLiteral("prepare-fallback"),
         {QStringLiteral("server"), QStringLiteral("databases"), QStringLiteral("yes")}},
        {QStringLiteral("alerts"),
         {QStringLiteral("server"), QStringLiteral("email"), QStringLiteral("action-group"),
          QStringLiteral("threshold"), QStringLiteral("fallback")}}};
    return options;
}

// Empty, or the first option given that `command` does not take, with the ones it does take.
QString checkOptionsApply(const QString &command, const Options &o)
{
    static const QStringList common{QStringLiteral("json"), QStringLiteral("verbose"),
                                    QStringLiteral("cloud"), QStringLiteral("cloud-config"),
                                    QStringLiteral("tenant")};
    QStringList given = o.values.keys() + QStringList(o.flags.cbegin(), o.flags.cend());
    if (!o.thresholds.isEmpty())
        given << QStringLiteral("threshold");
    given.sort();
    const QStringList own = commandOptions().value(command);
    for (const QString &g : std::as_const(given)) {
        if (common.contains(g) || own.contains(g))
            continue;
        QStringList takes;
        for (const QString &t : own)
            takes << QStringLiteral("--") + t;
        return QStringLiteral("--%1 does not apply to `azure %2`; %3")
            .arg(g, command,
                 takes.isEmpty() ? QStringLiteral("it takes only the common options (--json, --verbose, "
                                                  "--cloud, --cloud-config, --tenant)")
                                 : QStringLiteral("its options are %1 and the common ones")
                                       .arg(takes.join(QStringLiteral(", "))));
    }
    if (command == u"parameter" && o.values.contains(QStringLiteral("value")) &&
        o.values.contains(QStringLiteral("add-extensions")))
        return QStringLiteral("give either --value or --add-extensions to `azure parameter`, not both");
    return {};
}

bool parse(QStringList a, Options &o, QString *error)
{
    while (!a.isEmpty()) {
        QString arg = a.takeFirst();
        if (!arg.startsWith(QStringLiteral("--"))) {
            *error = QStringLiteral("unexpected argument \"%1\"").arg(arg);
            return false;
        }
        arg = arg.mid(2);
        QString value;
        bool inlineValue = false;
        if (const qsizetype eq = arg.indexOf(u'='); eq > 0) {
            value = arg.mid(eq + 1);
            arg = arg.left(eq);
            inlineValue = true;
        }
        if (kFlags.contains(arg) && !inlineValue) {
            o.flags.insert(arg);
            continue;
        }
        if (!kValueOptions.contains(arg)) {
            *error = QStringLiteral("unknown option --%1").arg(arg);
            return false;
        }
        if (!inlineValue) {
            if (a.isEmpty()) {
                *error = QStringLiteral("--%1 needs a value").arg(arg);
                return false;
            }
            value = a.takeFirst();
        }
        if (arg == u"threshold")
            o.thresholds << value;
        else
            o.values.insert(arg, value);
    }
    o.json = o.flags.contains(QStringLiteral("json"));
    o.verbose = o.flags.contains(QStringLiteral("verbose"));
    o.cloudName = o.values.value(QStringLiteral("cloud"));
    o.cloudConfig = o.values.value(QStringLiteral("cloud-config"));
    o.tenant = o.values.value(QStringLiteral("tenant"));
    return true;
}

class Session
{
public:
    Context &ctx;
    Options opt;
    Cloud cloud;
    std::unique_ptr<KeychainTokenStore> store;
    std::unique_ptr<Credential> credential;
    std::unique_ptr<ArmClient> client;

    explicit Session(Context &c) : ctx(c) {}

    QString tenant() const
    {
        if (!opt.tenant.isEmpty())
            return opt.tenant;
        return QProcessEnvironment::systemEnvironment().value(QStringLiteral("AZURE_TENANT_ID"),
                                                              QStringLiteral("organizations"));
    }

    // Returns an exit code, or -1 when the cloud is ready.
    int setupCloud()
    {
        QString why;
        std::optional<Cloud> c;
        if (!opt.cloudConfig.isEmpty() && !opt.cloudName.isEmpty()) {
            ctx.err << "pgferry-cli azure: give either --cloud or --cloud-config, not both\n";
            return Usage;
        }
        if (!opt.cloudConfig.isEmpty()) {
            c = Cloud::fromFile(opt.cloudConfig, &why);
        } else {
            c = Cloud::builtin(opt.cloudName.isEmpty() ? QStringLiteral("AzureCloud") : opt.cloudName);
            if (!c) {
                ctx.err << "pgferry-cli azure: unknown cloud \"" << opt.cloudName
                        << "\"; use AzureCloud, AzureChinaCloud, AzureUSGovernment or --cloud-config FILE\n";
                return Usage;
            }
        }
        if (!c) {
            ctx.err << "pgferry-cli azure: " << why << Qt::endl;
            return Failure;
        }
        cloud = *c;
        return -1;
    }

    int setupCredential()
    {
        QString why;
        credential = Credential::fromEnvironment(cloud, opt.tenant, &why);
        if (!credential && why.isEmpty()) {
            store = std::make_unique<KeychainTokenStore>();
            credential = Credential::fromStore(cloud, tenant(), *store, &why);
        }
        if (!credential) {
            ctx.err << "pgferry-cli azure: " << why << Qt::endl;
            return Failure;
        }
        client = std::make_unique<ArmClient>(cloud, credential.get());
        if (opt.verbose) {
            QObject::connect(client.get(), &ArmClient::logLine,
                             [this](const QString &l) { ctx.err << l << Qt::endl; });
            QObject::connect(credential.get(), &Credential::logLine,
                             [this](const QString &l) { ctx.err << l << Qt::endl; });
        }
        return -1;
    }

    bool call(const ArmRequest &req, ArmResult &result)
    {
        result = client->call(req);
        if (!result.ok()) {
            ctx.err << "pgferry-cli azure: " << result.error.userMessage() << Qt::endl;
            return false;
        }
        return true;
    }

    QString value(const char *name) const { return opt.values.value(QLatin1String(name)); }

    bool require(const QStringList &names, const QString &command)
    {
        for (const QString &n : names) {
            if (opt.values.value(n).isEmpty()) {
                ctx.err << "pgferry-cli azure " << command << ": --" << n << " is required\n";
                return false;
            }
        }
        return true;
    }

    std::optional<ResourceId> server(const char *option = "server")
    {
        QString why;
        auto id = ResourceId::parse(value(option), &why);
        if (id && !id->isFlexibleServer())
            why = QStringLiteral("\"%1\" is not a Microsoft.DBforPostgreSQL/flexibleServers resource id")
                      .arg(value(option));
        if (!why.isEmpty() || !id) {
            ctx.err << "pgferry-cli azure: --" << option << ": " << why << Qt::endl;
            return std::nullopt;
        }
        return id;
    }

    void printJson(const QJsonValue &v)
    {
        ctx.out << (v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject()))
                       .toJson(QJsonDocument::Indented);
        ctx.out.flush();
    }
};

int doLogin(Session &s)
{
    const QString tenant = s.tenant();
    const QString clientId = s.value("client-id").isEmpty()
                                 ? QProcessEnvironment::systemEnvironment().value(
                                       QStringLiteral("AZURE_CLIENT_ID"), Credential::defaultPublicClientId())
                                 : s.value("client-id");
    DeviceCodeFlow flow(s.cloud, tenant, clientId);
    QEventLoop loop;
    std::optional<TokenResponse> tokens;
    ArmError failure;
    QObject::connect(&flow, &DeviceCodeFlow::codeReady,
                     [&s](const QString &, const QString &, const QString &message, int) {
                         s.ctx.err << message << Qt::endl;
                     });
    QObject::connect(&flow, &DeviceCodeFlow::succeeded, [&](const TokenResponse &t) {
        tokens = t;
        loop.quit();
    });
    QObject::connect(&flow, &DeviceCodeFlow::failed, [&](const ArmError &e) {
        failure = e;
        loop.quit();
    });
    flow.start();
    loop.exec();
    if (!tokens) {
        s.ctx.err << "pgferry-cli azure login: " << failure.userMessage() << Qt::endl;
        return Failure;
    }
    s.store = std::make_unique<KeychainTokenStore>();
    s.credential = Credential::forUser(s.cloud, tenant, clientId, *tokens);
    s.credential->setTokenStore(s.store.get(), KeychainTokenStore::keyForTenant(tenant));
    QString why;
    if (!s.credential->save(&why)) {
        s.ctx.err << "pgferry-cli azure login: signed in, but " << why << Qt::endl;
        return Failure;
    }
    if (s.opt.json)
        s.printJson(QJsonObject{{QStringLiteral("tenant"), tenant},
                                {QStringLiteral("signed_in"), true},
                                {QStringLiteral("cloud"), s.cloud.name}});
    else
        s.ctx.out << "signed in to tenant " << tenant << " (" << s.cloud.name
                  << "); the sign-in is kept in the OS keychain\n";
    return Success;
}

int doLogout(Session &s)
{
    KeychainTokenStore store;
    QString why;
    if (!store.remove(KeychainTokenStore::keyForTenant(s.tenant()), &why)) {
        s.ctx.err << "pgferry-cli azure logout: " << why << Qt::endl;
        return Failure;
    }
    s.ctx.out << "signed out of tenant " << s.tenant() << Qt::endl;
    return Success;
}

template<typename T>
int listCommand(Session &s, const ArmRequest &req, const std::function<QString(const T &)> &line)
{
    ArmResult r;
    if (!s.call(req, r))
        return Failure;
    QJsonArray out;
    QStringList lines;
    for (const QJsonValue &v : std::as_const(r.items)) {
        const T item = T::fromJson(v.toObject());
        out.append(item.toJson());
        lines << line(item);
    }
    if (s.opt.json) {
        s.printJson(out);
    } else {
        for (const QString &l : lines)
            s.ctx.out << l << "\n";
        if (lines.isEmpty())
            s.ctx.out << "(none)\n";
    }
    return Success;
}

int doServers(Session &s)
{
    if (!s.require({QStringLiteral("subscription")}, QStringLiteral("servers")))
        return Usage;
    return listCommand<FlexibleServer>(
        s, api::listServers(s.value("subscription"), s.value("resource-group")), [](const FlexibleServer &f) {
            const NetworkAccess n = NetworkAccess::of(f);
            return QStringLiteral("%1  %2  PostgreSQL %3  %4  %5%7\n  %6")
                .arg(f.name, f.location, f.version, f.skuName, f.state, f.id,
                     n.isPrivate() ? QStringLiteral("  private access only") : QString());
        });
}

int doCreateServer(Session &s)
{
    if (!s.require({QStringLiteral("subscription"), QStringLiteral("resource-group"), QStringLiteral("name"),
                    QStringLiteral("location"), QStringLiteral("admin-user")},
                   QStringLiteral("create-server")))
        return Usage;
    api::ServerSpec spec;
    spec.id = ResourceId::flexibleServer(s.value("subscription"), s.value("resource-group"), s.value("name"));
    spec.location = s.value("location");
    if (!s.value("version").isEmpty())
        spec.version = s.value("version");
    if (!s.value("sku").isEmpty())
        spec.skuName = s.value("sku");
    if (!s.value("tier").isEmpty())
        spec.skuTier = s.value("tier");
    if (!s.value("storage-gb").isEmpty())
        spec.storageSizeGB = s.value("storage-gb").toInt();
    if (!s.value("backup-retention-days").isEmpty())
        spec.backupRetentionDays = s.value("backup-retention-days").toInt();
    spec.geoRedundantBackup = s.opt.flags.contains(QStringLiteral("geo-redundant-backup"));
    spec.delegatedSubnetResourceId = s.value("subnet");
    spec.privateDnsZoneArmResourceId = s.value("private-dns-zone");
    if (!spec.delegatedSubnetResourceId.isEmpty())
        if (const QString why =
                api::checkSubnetId(spec.delegatedSubnetResourceId, QStringLiteral("--subnet"));
            !why.isEmpty()) {
            s.ctx.err << "pgferry-cli azure create-server: " << why << Qt::endl;
            return Usage;
        }
    if (!spec.privateDnsZoneArmResourceId.isEmpty())
        if (const QString why = api::checkPrivateDnsZoneId(spec.privateDnsZoneArmResourceId,
                                                           QStringLiteral("--private-dns-zone"));
            !why.isEmpty()) {
            s.ctx.err << "pgferry-cli azure create-server: " << why << Qt::endl;
            return Usage;
        }
    spec.administratorLogin = s.value("admin-user");
    spec.administratorLoginPassword =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("PGFERRY_TARGET_PASSWORD"));
    if (const QString why = api::checkServerSpec(spec); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure create-server: " << why << Qt::endl;
        return Usage;
    }
    s.ctx.err << "creating server " << spec.id.name << " in " << spec.location
              << " (this takes several minutes)…" << Qt::endl;
    ArmResult r;
    if (!s.call(api::createServer(spec), r))
        return Failure;
    const FlexibleServer f = FlexibleServer::fromJson(r.body);
    if (s.opt.json) {
        s.printJson(f.toJson());
    } else {
        s.ctx.out << "created server " << f.name << " (" << f.fullyQualifiedDomainName << "), state "
                  << f.state << "\n  " << f.id << "\n";
        if (const QString where = NetworkAccess::of(f).whereToRun(); !where.isEmpty())
            s.ctx.out << where << "\n";
    }
    return Success;
}

int doFirewallAllow(Session &s)
{
    if (!s.require({QStringLiteral("server"), QStringLiteral("ip")}, QStringLiteral("firewall-allow")))
        return Usage;
    auto server = s.server();
    if (!server)
        return Usage;
    const QString ip = s.value("ip");
    if (const QString why = api::checkIpv4(ip); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure firewall-allow: " << why << Qt::endl;
        return Usage;
    }
    QString name = s.value("name");
    if (name.isEmpty())
        name = QStringLiteral("pgferry-") + QString(ip).replace(u'.', u'-');
    if (const QString why = api::checkFirewallRuleName(name); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure firewall-allow: " << why << Qt::endl;
        return Usage;
    }
    ArmResult r;
    if (!s.call(api::putFirewallRule(*server, name, ip, ip), r))
        return Failure;
    FirewallRule rule = FirewallRule::fromJson(r.body);
    if (rule.name.isEmpty())
        rule = {QString(), name, ip, ip};
    if (s.opt.json)
        s.printJson(rule.toJson());
    else
        s.ctx.out << "firewall rule " << rule.name << " on " << server->name << " allows "
                  << rule.startIpAddress << " - " << rule.endIpAddress << "\n";
    return Success;
}

int doReplica(Session &s)
{
    if (!s.require({QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("location")},
                   QStringLiteral("replica")))
        return Usage;
    auto source = s.server();
    if (!source)
        return Usage;
    ResourceId replica = *source;
    replica.name = s.value("name");
    if (const QString why = api::checkServerName(replica.name); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure replica: " << why << Qt::endl;
        return Usage;
    }
    s.ctx.err << "creating read replica " << replica.name << " in " << s.value("location")
              << " (this takes several minutes)…" << Qt::endl;
    ArmResult r;
    if (!s.call(api::createReadReplica(replica, s.value("location"), *source), r))
        return Failure;
    const FlexibleServer f = FlexibleServer::fromJson(r.body);
    if (s.opt.json)
        s.printJson(f.toJson());
    else
        s.ctx.out << "read replica " << (f.name.isEmpty() ? replica.name : f.name) << " of " << source->name
                  << " is " << f.state << " in " << f.location << "\n";
    return Success;
}

int doLock(Session &s)
{
    if (!s.require({QStringLiteral("server")}, QStringLiteral("lock")))
        return Usage;
    auto server = s.server();
    if (!server)
        return Usage;
    const QString name =
        s.value("name").isEmpty() ? QString::fromUtf16(api::kDeleteLockName) : s.value("name");
    if (const QString why = api::checkLockName(name); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure lock: " << why << Qt::endl;
        return Usage;
    }
    const QString notes =
        s.value("notes").isEmpty() ? QString::fromUtf16(api::kDeleteLockNotes) : s.value("notes");
    ArmResult r;
    if (!s.call(api::createLock(server->toString(), name, QStringLiteral("CanNotDelete"), notes), r))
        return Failure;
    const ManagementLock lock = ManagementLock::fromJson(r.body);
    if (s.opt.json)
        s.printJson(lock.toJson());
    else
        s.ctx.out << "lock " << lock.name << " (" << lock.level << ") protects " << server->name
                  << " from deletion\n";
    return Success;
}

int doRestore(Session &s)
{
    if (!s.require({QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("time")},
                   QStringLiteral("restore")))
        return Usage;
    auto source = s.server();
    if (!source)
        return Usage;
    const QDateTime when = QDateTime::fromString(s.value("time"), Qt::ISODateWithMs);
    if (!when.isValid()) {
        s.ctx.err << "pgferry-cli azure restore: --time \"" << s.value("time")
                  << "\" is not an ISO 8601 time such as 2025-03-15T18:30:00Z\n";
        return Usage;
    }
    ResourceId target = *source;
    target.name = s.value("name");
    if (const QString why = api::checkServerName(target.name); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure restore: " << why << Qt::endl;
        return Usage;
    }
    QString location = s.value("location");
    ArmResult r;
    if (location.isEmpty()) {
        if (!s.call(api::getServer(*source), r))
            return Failure;
        location = r.body.value(u"location").toString();
    }
    s.ctx.err << "restoring " << source->name << " as of " << when.toUTC().toString(Qt::ISODate) << " into "
              << target.name << "…" << Qt::endl;
    if (!s.call(api::pointInTimeRestore(target, location, *source, when), r))
        return Failure;
    const FlexibleServer f = FlexibleServer::fromJson(r.body);
    if (s.opt.json)
        s.printJson(f.toJson());
    else
        s.ctx.out << "restored into server " << (f.name.isEmpty() ? target.name : f.name) << ", state "
                  << f.state << "\n";
    return Success;
}

int doParameter(Session &s)
{
    if (!s.require({QStringLiteral("server"), QStringLiteral("name")}, QStringLiteral("parameter")))
        return Usage;
    auto server = s.server();
    if (!server)
        return Usage;
    const QString name = s.value("name");
    ArmResult r;
    QString value = s.value("value");
    if (!s.value("add-extensions").isEmpty()) {
        if (!s.call(api::getConfiguration(*server, name), r))
            return Failure;
        value = api::extensionsAllowList(ServerConfiguration::fromJson(r.body).value,
                                         s.value("add-extensions").split(u','));
    }
    if (!value.isEmpty() && !s.call(api::setConfiguration(*server, name, value), r))
        return Failure;
    if (value.isEmpty() && !s.call(api::getConfiguration(*server, name), r))
        return Failure;
    const ServerConfiguration c = ServerConfiguration::fromJson(r.body);
    if (s.opt.json) {
        s.printJson(c.toJson());
    } else {
        s.ctx.out << c.name << " = " << c.value << "\n";
        if (c.isConfigPendingRestart)
            s.ctx.out << "the change takes effect after a restart of " << server->name << "\n";
    }
    return Success;
}

int doCheckBackups(Session &s)
{
    if (!s.require({QStringLiteral("server")}, QStringLiteral("check-backups")))
        return Usage;
    auto server = s.server();
    if (!server)
        return Usage;
    ArmResult r;
    if (!s.call(api::getServer(*server), r))
        return Failure;
    const auto checks = checkBackups(FlexibleServer::fromJson(r.body));
    if (s.opt.json) {
        QJsonArray a;
        for (const BackupCheck &c : checks)
            a.append(QJsonObject{{QStringLiteral("check"), c.name},
                                 {QStringLiteral("ok"), c.ok},
                                 {QStringLiteral("message"), c.message}});
        s.printJson(a);
    } else {
        for (const BackupCheck &c : checks)
            s.ctx.out << (c.ok ? "ok    " : "advice") << "  " << c.message << "\n";
    }
    return Success;
}

QJsonArray changesJson(const QList<ParameterChange> &changes)
{
    QJsonArray a;
    for (const ParameterChange &c : changes)
        a.append(QJsonObject{{QStringLiteral("name"), c.name},
                             {QStringLiteral("from"), c.current},
                             {QStringLiteral("to"), c.wanted},
                             {QStringLiteral("reason"), c.reason}});
    return a;
}

// prepare-fallback: wal_level=logical (and enough slots and senders) through ARM, then a restart,
// only with --yes: the restart takes the server offline for a minute or two.
int doPrepareFallback(Session &s)
{
    auto server = s.server();
    if (!server)
        return Usage;
    int databases = 1;
    if (!s.value("databases").isEmpty()) {
        bool ok = false;
        databases = s.value("databases").toInt(&ok);
        if (!ok || databases < 1 || databases > 1000) {
            s.ctx.err
                << "pgferry-cli azure prepare-fallback: --databases \"" << s.value("databases")
                << "\" is not a number of databases from 1 to 1000 (those of the project that stream back)\n";
            return Usage;
        }
    }
    ArmError error;
    auto before = FallbackReadiness::read(*s.client, *server, databases, &error);
    if (!before) {
        s.ctx.err << "pgferry-cli azure prepare-fallback: " << error.userMessage() << Qt::endl;
        return Failure;
    }
    const bool yes = s.opt.flags.contains(QStringLiteral("yes"));
    const QString replicationNote = QStringLiteral("the target user also needs the REPLICATION right: the "
                                                   "server's admin user (azure_pg_admin) holds it; "
                                                   "`pgferry-cli assess FILE` checks it");
    QJsonObject out{{QStringLiteral("server"), server->toString()},
                    {QStringLiteral("changes"), changesJson(before->changes)},
                    {QStringLiteral("pending_restart"), QJsonArray::fromStringList(before->pendingRestart)},
                    {QStringLiteral("restart_needed"), !before->ready()},
                    {QStringLiteral("restarted"), false}};
    auto finish = [&](bool ready, int rc) {
        out.insert(QStringLiteral("ready"), ready);
        if (s.opt.json)
            s.printJson(out);
        return rc;
    };
    if (before->ready()) {
        if (!s.opt.json)
            s.ctx.out << "server " << server->name
                      << " is ready for a fallback: wal_level is logical, with enough replication slots "
                      << "and WAL senders for " << databases << " database(s)\n"
                      << replicationNote << "\n";
        return finish(true, Success);
    }
    if (!yes) {
        if (!s.opt.json) {
            for (const ParameterChange &c : std::as_const(before->changes))
                s.ctx.out << "would set " << c.name << " from "
                          << (c.current.isEmpty() ? QStringLiteral("(unset)") : c.current) << " to "
                          << c.wanted << ": " << c.reason << "\n";
            for (const QString &p : std::as_const(before->pendingRestart))
                s.ctx.out << p << " is set already and waits for a restart\n";
            s.ctx.out << "would restart server " << server->name << " (offline for a minute or two)\n"
                      << "nothing changed; run again with --yes at a quiet moment to do it\n";
        }
        return finish(false, Usage);
    }
    ArmResult r;
    for (const ParameterChange &c : std::as_const(before->changes)) {
        s.ctx.err << "setting " << c.name << " = " << c.wanted << " on " << server->name << "…" << Qt::endl;
        if (!s.call(api::setConfiguration(*server, c.name, c.wanted), r)) {
            s.ctx.err << "pgferry-cli azure prepare-fallback: the server was not restarted; run the command "
                         "again to finish\n";
            return finish(false, Failure);
        }
    }
    s.ctx.err << "restarting server " << server->name << " (offline for a minute or two)…" << Qt::endl;
    if (!s.call(api::restartServer(*server), r)) {
        s.ctx.err << "pgferry-cli azure prepare-fallback: the parameters are set but take effect only after "
                     "a restart; run the "
                     "command again, or restart the server in the portal\n";
        return finish(false, Failure);
    }
    out.insert(QStringLiteral("restarted"), true);
    const auto after = FallbackReadiness::read(*s.client, *server, databases, &error);
    if (!after || !after->ready()) {
        QString why = QStringLiteral("its parameters could not be read again: ") + error.userMessage();
        if (after && !after->changes.isEmpty())
            why = QStringLiteral("%1 is still %2")
                      .arg(after->changes.first().name, after->changes.first().current);
        else if (after)
            why = QStringLiteral("%1 still waits for a restart")
                      .arg(after->pendingRestart.join(QStringLiteral(", ")));
        s.ctx.err << "pgferry-cli azure prepare-fallback: server " << server->name << " restarted, but "
                  << why << "; look at its Server parameters in the portal\n";
        return finish(false, Failure);
    }
    if (!s.opt.json) {
        for (const ParameterChange &c : std::as_const(before->changes))
            s.ctx.out << "set " << c.name << " to " << c.wanted << "\n";
        s.ctx.out << "restarted server " << server->name << "; it is ready for a fallback\n"
                  << replicationNote << "\n";
    }
    return finish(true, Success);
}

// alerts: an action group with the e-mail receiver, and the metric alert rules on the server.
int doAlerts(Session &s)
{
    auto server = s.server();
    if (!server)
        return Usage;
    const QString email = s.value("email").trimmed();
    if (const QString why = checkEmailAddress(email); !why.isEmpty()) {
        s.ctx.err << "pgferry-cli azure alerts: " << why << Qt::endl;
        return Usage;
    }
    AlertSettings settings;
    for (const QString &t : std::as_const(s.opt.thresholds)) {
        if (const QString why = parseAlertThreshold(t, settings.overrides); !why.isEmpty()) {
            s.ctx.err << "pgferry-cli azure alerts: " << why << Qt::endl;
            return Usage;
        }
    }
    ResourceId group = defaultActionGroupId(*server);
    if (!s.value("action-group").isEmpty()) {
        QString why;
        auto id = ResourceId::parse(s.value("action-group"), &why);
        if (id && (id->provider.compare(u"Microsoft.Insights", Qt::CaseInsensitive) != 0 ||
                   id->type.compare(u"actionGroups", Qt::CaseInsensitive) != 0))
            why = QStringLiteral("\"%1\" is not a Microsoft.Insights/actionGroups resource id")
                      .arg(s.value("action-group"));
        if (!id || !why.isEmpty()) {
            s.ctx.err << "pgferry-cli azure alerts: --action-group: " << why << Qt::endl;
            return Usage;
        }
        group = *id;
    }
    settings.fallback = s.opt.flags.contains(QStringLiteral("fallback"));

    // The steps are core's (shared with the wizard's Done page); this prints each rule as it lands.
    AlertSetup setup(s.client.get(), *server, group, email, settings);
    QJsonArray done;
    QObject::connect(&setup, &AlertSetup::ruleDone, [&](const ResourceId &id, const AlertRule &rule) {
        QJsonObject o = rule.toJson();
        o.insert(QStringLiteral("name"), id.name);
        o.insert(QStringLiteral("id"), id.toString());
        done.append(o);
        if (!s.opt.json)
            s.ctx.out << id.name << ": " << rule.description << "\n";
    });
    QEventLoop loop;
    QObject::connect(&setup, &AlertSetup::finished, &loop, &QEventLoop::quit);
    setup.start();
    if (!setup.isFinished())
        loop.exec();
    const AlertSetup::Outcome &outcome = setup.outcome();
    if (!outcome.ok) {
        s.ctx.err << "pgferry-cli azure alerts: " << outcome.failure.error.userMessage() << Qt::endl;
        if (!done.isEmpty())
            s.ctx.err << "pgferry-cli azure alerts: " << done.size()
                      << " rule(s) are in place; run the command again to finish\n";
        return Failure;
    }
    const bool changed = outcome.groupChanged;
    const QString groupId = group.toString();
    if (s.opt.json)
        s.printJson(QJsonObject{{QStringLiteral("server"), server->toString()},
                                {QStringLiteral("action_group"), groupId},
                                {QStringLiteral("action_group_changed"), changed},
                                {QStringLiteral("email"), email},
                                {QStringLiteral("rules"), done}});
    else
        s.ctx.out << "action group " << group.name << (changed ? " e-mails " : " already e-mails ") << email
                  << "; " << done.size() << " alert rules on " << server->name << "\n";
    return Success;
}

// cancel-migration FILE: the managed engine's cancel, with the project's cloud and target server.
int doCancelMigration(Context &ctx, const QStringList &args)
{
    const QString usage =
        QStringLiteral("pgferry-cli azure cancel-migration FILE [--yes] [--json] [--verbose]");
    Context sub{ctx.out, ctx.err, args, ctx.stdoutIsTerminal};
    Args a;
    if (const int rc = parseArgs(
            sub, usage, {QStringLiteral("--yes"), QStringLiteral("--json"), QStringLiteral("--verbose")}, {},
            a);
        rc >= 0)
        return rc;
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    if (project->engine != project::Engine::Azure) {
        ctx.err
            << "pgferry-cli azure cancel-migration: " << a.file
            << " runs on the local engine, not in Azure; stop its `pgferry-cli run` with Ctrl-C instead\n";
        return Failure;
    }
    QString why;
    std::unique_ptr<ManagedEngine> eng =
        ManagedEngine::fromEnvironment(*project, &why, ManagedEngine::Purpose::Cancel);
    if (!eng) {
        ctx.err << "pgferry-cli azure cancel-migration: " << why << "\n";
        return Failure;
    }
    const auto target = ManagedEngine::targetOf(*project, &why);
    if (!target) {
        ctx.err << "pgferry-cli azure cancel-migration: " << why << "\n";
        return Failure;
    }
    if (!a.flags.contains(QStringLiteral("--yes"))) {
        if (const int rc =
                confirmOnTerminal(ctx, QStringLiteral("azure cancel-migration"), QStringLiteral("cancel"),
                                  u"Cancel Azure migration " + eng->migrationName() + u" on server " +
                                      target->name + u"? The target databases may be left partly migrated.",
                                  QStringLiteral("nothing changed"));
            rc >= 0)
            return rc;
    }
    // A watching `run` writes the status itself when it sees the cancel; two writers would race.
    const QString dir = stateDirFor(ctx, "azure cancel-migration", *project);
    if (dir.isEmpty())
        return Failure;
    const qint64 pid = activeRunPid(dir);
    if (pid)
        eng->setStateDir(QString());
    if (a.flags.contains(QStringLiteral("--verbose")))
        QObject::connect(eng.get(), &engine::MigrationEngine::logLine,
                         [&ctx](const QString &l) { ctx.err << l << Qt::endl; });
    QEventLoop loop;
    bool done = false;
    QObject::connect(eng.get(), &engine::MigrationEngine::finished, [&](bool) {
        done = true;
        loop.quit();
    });
    eng->cancelMigration();
    if (!done)
        loop.exec();
    const engine::MigrationStatus s = eng->status();
    const bool ok = s.state == engine::RunState::Cancelled;
    if (a.flags.contains(QStringLiteral("--json"))) {
        ctx.out << QJsonDocument(
                       QJsonObject{{QStringLiteral("migration"), eng->migrationName()},
                                   {QStringLiteral("server"), target->toString()},
                                   {QStringLiteral("cancelled"), ok},
                                   {QStringLiteral("errors"), QJsonArray::fromStringList(s.errors)}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
    } else if (ok) {
        ctx.out << "cancelled Azure migration " << eng->migrationName() << " on server " << target->name
                << "\n";
        if (pid)
            ctx.out << "the run watching it (pid " << pid << ") stops at its next look at Azure\n";
    }
    if (!ok) {
        ctx.err << "pgferry-cli azure cancel-migration: could not cancel migration " << eng->migrationName()
                << ":\n";
        for (const QString &e : s.errors)
            ctx.err << "  " << e << "\n";
        return Failure;
    }
    return Success;
}

// size FILE: the source measured, a flexible server recommended; no Azure call.
int doSize(Context &ctx, const QStringList &args)
{
    const QString usage = QStringLiteral("pgferry-cli azure size FILE [--json] [--sample-seconds 10]");
    Context sub{ctx.out, ctx.err, args, ctx.stdoutIsTerminal};
    Args a;
    if (const int rc =
            parseArgs(sub, usage, {QStringLiteral("--json")}, {QStringLiteral("--sample-seconds")}, a);
        rc >= 0)
        return rc;
    if (a.file.isEmpty()) {
        ctx.err << "pgferry-cli azure size: the project file is missing\nusage: " << usage << "\n";
        return Usage;
    }
    int sampleSeconds = 10;
    if (a.options.contains(QStringLiteral("--sample-seconds"))) {
        bool ok = false;
        sampleSeconds = a.options.value(QStringLiteral("--sample-seconds")).toInt(&ok);
        if (!ok || sampleSeconds < 1 || sampleSeconds > 3600) {
            ctx.err << "pgferry-cli azure size: --sample-seconds \""
                    << a.options.value(QStringLiteral("--sample-seconds"))
                    << "\" is not a number of seconds from 1 to 3600\n";
            return Usage;
        }
    }
    auto project = loadProjectOrExplain(ctx, a.file);
    if (!project)
        return Failure;
    QStringList databases;
    for (const project::DatabaseSelection &d : project->databases)
        databases << d.name;
    if (databases.isEmpty()) {
        ctx.err << "pgferry-cli azure size: " << a.file
                << " selects no database to migrate; add one (project new --database NAME)\n";
        return Failure;
    }
    QString hint;
    const pg::ConnInfo source =
        project::resolveConnInfo(*project, project::Role::Source, project->source.database, &hint);
    if (!a.flags.contains(QStringLiteral("--json")))
        ctx.err << "measuring the source " << source.redacted() << " for " << sampleSeconds << " s…"
                << Qt::endl;
    SourceLoad load;
    try {
        load = SourceLoad::measure(source, databases, std::chrono::seconds(sampleSeconds));
    } catch (const pg::Exception &e) {
        ctx.err << "pgferry-cli azure size: cannot measure the source " << source.redacted() << ": "
                << e.error().toString() << "\n";
        if (!hint.isEmpty() && e.error().category == pg::ErrorCategory::Auth)
            ctx.err << "pgferry-cli azure size: note: " << hint << "\n";
        return Failure;
    }
    const SizeRecommendation r = recommendSize(load);
    if (a.flags.contains(QStringLiteral("--json"))) {
        QJsonObject o = r.toJson();
        o.insert(QStringLiteral("source"), load.toJson());
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return Success;
    }
    ctx.out << r.tier << " " << r.sku << ": " << r.vcores << " vCores, " << r.memoryGb << " GiB memory, "
            << r.storageGb << " GB storage (" << r.storageTier << ", " << r.iops << " IOPS)\n";
    for (const QString &why : r.reasons)
        ctx.out << "  - " << why << "\n";
    for (const QString &c : r.caveats)
        ctx.out << "  ! " << c << "\n";
    ctx.out << "create it with: pgferry-cli azure create-server … --tier " << r.tier << " --sku " << r.sku
            << " --storage-gb " << r.storageGb << "\n";
    return Success;
}

} // namespace

int cmdAzure(Context &ctx)
{
    QStringList a = ctx.args;
    if (a.isEmpty() || a.first() == u"--help" || a.first() == u"-h" || a.first() == u"help") {
        (a.isEmpty() ? ctx.err : ctx.out) << azureUsage();
        return a.isEmpty() ? Usage : Success;
    }
    const QString command = a.takeFirst();
    static const QStringList commands{QStringLiteral("login"),
                                      QStringLiteral("logout"),
                                      QStringLiteral("subscriptions"),
                                      QStringLiteral("resource-groups"),
                                      QStringLiteral("servers"),
                                      QStringLiteral("create-server"),
                                      QStringLiteral("firewall-allow"),
                                      QStringLiteral("replica"),
                                      QStringLiteral("lock"),
                                      QStringLiteral("restore"),
                                      QStringLiteral("parameter"),
                                      QStringLiteral("check-backups"),
                                      QStringLiteral("prepare-fallback"),
                                      QStringLiteral("alerts"),
                                      QStringLiteral("size"),
                                      QStringLiteral("cancel-migration")};
    if (!commands.contains(command)) {
        ctx.err << "pgferry-cli azure: unknown command \"" << command << "\"\n\n" << azureUsage();
        return Usage;
    }
    if (command == u"cancel-migration")
        return doCancelMigration(ctx, a);
    if (command == u"size")
        return doSize(ctx, a);
    Session s(ctx);
    QString why;
    if (!parse(a, s.opt, &why) || !(why = checkOptionsApply(command, s.opt)).isEmpty()) {
        ctx.err << "pgferry-cli azure " << command << ": " << why << "\n";
        return Usage;
    }
    if (int rc = s.setupCloud(); rc >= 0)
        return rc;
    if (command == u"login")
        return doLogin(s);
    if (command == u"logout")
        return doLogout(s);
    // Usage errors come before any credential is looked at.
    static const QHash<QString, QStringList> required{
        {QStringLiteral("resource-groups"), {QStringLiteral("subscription")}},
        {QStringLiteral("servers"), {QStringLiteral("subscription")}},
        {QStringLiteral("create-server"),
         {QStringLiteral("subscription"), QStringLiteral("resource-group"), QStringLiteral("name"),
          QStringLiteral("location"), QStringLiteral("admin-user")}},
        {QStringLiteral("firewall-allow"), {QStringLiteral("server"), QStringLiteral("ip")}},
        {QStringLiteral("replica"),
         {QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("location")}},
        {QStringLiteral("lock"), {QStringLiteral("server")}},
        {QStringLiteral("restore"),
         {QStringLiteral("server"), QStringLiteral("name"), QStringLiteral("time")}},
        {QStringLiteral("parameter"), {QStringLiteral("server"), QStringLiteral("name")}},
        {QStringLiteral("check-backups"), {QStringLiteral("server")}},
        {QStringLiteral("prepare-fallback"), {QStringLiteral("server")}},
        {QStringLiteral("alerts"), {QStringLiteral("server"), QStringLiteral("email")}}};
    if (!s.require(required.value(command), command))
        return Usage;
    if (!s.value("server").isEmpty() && !s.server())
        return Usage;
    if (command == u"create-server") {
        QString why;
        if (!s.value("subnet").isEmpty())
            why = api::checkSubnetId(s.value("subnet"), QStringLiteral("--subnet"));
        if (why.isEmpty() && !s.value("private-dns-zone").isEmpty())
            why =
                api::checkPrivateDnsZoneId(s.value("private-dns-zone"), QStringLiteral("--private-dns-zone"));
        if (why.isEmpty() && s.value("subnet").isEmpty() != s.value("private-dns-zone").isEmpty())
            why = QStringLiteral("private access needs both --subnet and --private-dns-zone");
        if (!why.isEmpty()) {
            ctx.err << "pgferry-cli azure create-server: " << why << Qt::endl;
            return Usage;
        }
    }
    if (int rc = s.setupCredential(); rc >= 0)
        return rc;
    if (command == u"subscriptions")
        return listCommand<Subscription>(s, api::listSubscriptions(), [](const Subscription &x) {
            return QStringLiteral("%1  %2  (%3)").arg(x.subscriptionId, x.displayName, x.state);
        });
    if (command == u"resource-groups") {
        if (!s.require({QStringLiteral("subscription")}, command))
            return Usage;
        return listCommand<ResourceGroup>(
            s, api::listResourceGroups(s.value("subscription")),
            [](const ResourceGroup &g) { return QStringLiteral("%1  %2").arg(g.name, g.location); });
    }
    if (command == u"servers")
        return doServers(s);
    if (command == u"create-server")
        return doCreateServer(s);
    if (command == u"firewall-allow")
        return doFirewallAllow(s);
    if (command == u"replica")
        return doReplica(s);
    if (command == u"lock")
        return doLock(s);
    if (command == u"restore")
        return doRestore(s);
    if (command == u"parameter")
        return doParameter(s);
    if (command == u"prepare-fallback")
        return doPrepareFallback(s);
    if (command == u"alerts")
        return doAlerts(s);
    return doCheckBackups(s);
}

} // namespace pgferry::cli
