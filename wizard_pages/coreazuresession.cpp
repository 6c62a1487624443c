#include "coreazuresession.h"

#include "azure/alertrules.h"
#include "azure/alertsetup.h"
#include "azure/armapi.h"
#include "azure/armcall.h"
#include "azure/armmodels.h"
#include "azure/credential.h"
#include "azure/devicecodeflow.h"
#include "azure/keychaintokenstore.h"
#include "azure/networkaccess.h"
#include "azure/resourceid.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>

namespace pgferry::wizard {

using namespace pgferry::azure;

namespace {

QString skuTier(const QString &sku)
{
    if (sku.startsWith(u"Standard_B", Qt::CaseInsensitive))
        return QStringLiteral("Burstable");
    if (sku.startsWith(u"Standard_E", Qt::CaseInsensitive))
        return QStringLiteral("MemoryOptimized");
    return QStringLiteral("GeneralPurpose");
}

QString codeAndMessage(const ArmError &e)
{
    QString s = e.code;
    if (!e.message.isEmpty())
        s += (s.isEmpty() ? QString() : QStringLiteral(": ")) + e.message;
    if (!e.details.isEmpty())
        s += QStringLiteral(" [") + e.details.join(QStringLiteral("; ")) + u']';
    if (s.isEmpty())
        s = e.httpStatus ? QStringLiteral("HTTP %1").arg(e.httpStatus) : QStringLiteral("no details");
    return s;
}

// The flexible server a post-migration action works on, or nothing when the id names none.
std::optional<ResourceId> flexibleServerId(const QString &id)
{
    const auto parsed = ResourceId::parse(id);
    if (!parsed || !parsed->isFlexibleServer())
        return std::nullopt;
    return parsed;
}

} // namespace

CoreAzureSession::CoreAzureSession(Config config, QObject *parent)
    : AzureSession(parent), m_config(std::move(config)), m_store(m_config.tokenStore)
{}

CoreAzureSession::~CoreAzureSession()
{
    // The client's calls and the flow's replies end before the credential they use goes, and
    // nobody hears of it: whoever owned the session is going away.
    m_closing = true;
    if (m_client)
        m_client->cancelAll();
    m_flow.reset();
    m_client.reset();
    m_credential.reset();
}

QString CoreAzureSession::cloudConfigFile() const
{
    return m_config.context.cloudConfigFile.isEmpty() ? m_config.cloudConfigFile
                                                      : m_config.context.cloudConfigFile;
}

bool CoreAzureSession::resolveCloud(QString *error)
{
    if (m_cloud)
        return true;
    QString why;
    const QString file = cloudConfigFile();
    if (!file.isEmpty()) {
        m_cloud = Cloud::fromFile(file, &why);
        if (!m_cloud)
            *error = tr("The Azure cloud configuration %1 cannot be used: %2. Fix the file, or remove it "
                        "from the project to use Azure's public cloud.")
                         .arg(file, why);
    } else {
        const QString name =
            m_config.context.cloud.isEmpty() ? QStringLiteral("AzureCloud") : m_config.context.cloud;
        m_cloud = Cloud::builtin(name);
        if (!m_cloud)
            *error = tr("The project names an unknown Azure cloud \"%1\"; use AzureCloud, AzureChinaCloud or "
                        "AzureUSGovernment, or a cloud configuration file.")
                         .arg(name);
    }
    return m_cloud.has_value();
}

QString CoreAzureSession::tenant() const
{
    if (!m_config.context.tenantId.isEmpty())
        return m_config.context.tenantId;
    return QProcessEnvironment::systemEnvironment().value(QStringLiteral("AZURE_TENANT_ID"),
                                                          QStringLiteral("organizations"));
}

TokenStore *CoreAzureSession::store()
{
    if (!m_store)
        m_store = std::make_shared<KeychainTokenStore>();
    return m_store.get();
}

void CoreAzureSession::signIn()
{
    m_flow.reset(); // a sign-in already waiting is replaced, silently
    m_signedIn = false;
    if (m_client)
        m_client->cancelAll();
    m_client.reset(); // before the credential it uses
    QString why;
    if (!resolveCloud(&why)) {
        Q_EMIT signInFailed(why);
        return;
    }
    // A service principal in the environment wins, as in the CLI and the engine.
    std::unique_ptr<Credential> env = Credential::fromEnvironment(*m_cloud, m_config.context.tenantId, &why);
    if (env) {
        useCredential(std::move(env), tr("Signed in as the service principal from AZURE_CLIENT_ID."));
        return;
    }
    if (!why.isEmpty()) {
        Q_EMIT signInFailed(tr("The Azure service principal in the environment is incomplete: %1").arg(why));
        return;
    }
    // A sign-in kept from before (this wizard, or `pgferry-cli azure login`), unless it was just refused.
    if (!m_keptSignInFailed) {
        QString storeWhy;
        std::unique_ptr<Credential> kept = Credential::fromStore(*m_cloud, tenant(), *store(), &storeWhy);
        if (kept) {
            Credential *c = kept.get();
            m_credential = std::move(kept);
            c->token(this, [this, c](const QString &, const ArmError &error) {
                if (m_closing || m_credential.get() != c)
                    return;
                if (!error.isError()) {
                    std::unique_ptr<Credential> mine = std::move(m_credential);
                    useCredential(std::move(mine), tr("Signed in with the sign-in kept in the keychain."));
                    return;
                }
                m_credential.reset();
                startDeviceCode(); // the kept sign-in expired or was revoked
            });
            return;
        }
    }
    startDeviceCode();
}

void CoreAzureSession::startDeviceCode()
{
    m_keptSignInFailed = false;
    const QString clientId = QProcessEnvironment::systemEnvironment().value(
        QStringLiteral("AZURE_CLIENT_ID"), Credential::defaultPublicClientId());
    const QString t = tenant();
    m_flow = std::make_unique<DeviceCodeFlow>(*m_cloud, t, clientId);
    DeviceCodeFlow *flow = m_flow.get();
    connect(flow, &DeviceCodeFlow::codeReady, this,
            [this](const QString &code, const QString &uri, const QString &message, int) {
                Q_EMIT deviceCode(AzureDeviceCode{code, uri, message});
            });
    connect(flow, &DeviceCodeFlow::succeeded, this, [this, t, clientId](const TokenResponse &tokens) {
        std::unique_ptr<Credential> c = Credential::forUser(*m_cloud, t, clientId, tokens);
        c->setTokenStore(store(), KeychainTokenStore::keyForTenant(t));
        QString why;
        QString note = tr("Signed in.");
        if (!c->save(&why))
            note = tr("Signed in for this session; the sign-in could not be kept in the keychain (%1), so "
                      "you will sign in again next time.")
                       .arg(why);
        useCredential(std::move(c), note);
    });
    connect(flow, &DeviceCodeFlow::failed, this, [this](const ArmError &e) {
        if (m_closing)
            return;
        QString message;
        if (e.kind == ArmError::Kind::Cancelled)
            message = tr("Sign-in cancelled.");
        else if (e.code == u"expired_token")
            message = tr("The sign-in code expired before it was entered. Sign in again and enter the new "
                         "code promptly.");
        else if (e.code == u"authorization_declined")
            message = tr("The sign-in was declined in the browser. Sign in again and approve it to let "
                         "pgferry manage Azure resources.");
        else if (e.kind == ArmError::Kind::Network)
            message = tr("Microsoft's sign-in service could not be reached (%1). Check the network "
                         "connection and proxy, then sign in again.")
                          .arg(e.message);
        else
            message = tr("Microsoft's sign-in service refused the sign-in (%1). Check the tenant and sign in "
                         "again.")
                          .arg(codeAndMessage(e));
        Q_EMIT signInFailed(message);
    });
    flow->start();
}

void CoreAzureSession::useCredential(std::unique_ptr<Credential> credential, const QString &note)
{
    m_flow.reset();
    if (m_client)
        m_client->cancelAll();
    m_client.reset();
    m_credential = std::move(credential);
    m_client = std::make_unique<ArmClient>(*m_cloud, m_credential.get(), m_config.armOptions);
    m_signedIn = true;
    Q_EMIT signedIn(note);
}

void CoreAzureSession::cancel()
{
    if (m_flow)
        m_flow->cancel(); // emits failed(Cancelled)
    if (m_client)
        m_client->cancelAll();
}

QString CoreAzureSession::describe(const ArmResult &r, const QString &failure)
{
    const ArmError &e = r.error;
    const QString what = codeAndMessage(e);
    if (e.kind == ArmError::Kind::Cancelled)
        return tr("%1: cancelled.").arg(failure);
    if (e.httpStatus == 401 || e.kind == ArmError::Kind::Auth) {
        // The sign-in is no longer good: forget it, so that "Sign in" asks for a new one.
        m_keptSignInFailed = true;
        m_signedIn = false;
        return tr("%1: Azure no longer accepts the sign-in (%2). Sign in again.").arg(failure, what);
    }
    if (e.httpStatus == 403)
        return tr("%1: the signed-in account lacks permission (%2). Ask for the Contributor role on the "
                  "subscription or resource group, "
                  "or pick another one.")
            .arg(failure, what);
    if (e.httpStatus == 409)
        return tr("%1: Azure reports a conflict (%2). Another operation may be running on the resource, or "
                  "the name is taken; "
                  "wait and try again, or choose another name.")
            .arg(failure, what);
    if (e.httpStatus == 429)
        return tr("%1: Azure kept throttling the requests (%2). Wait a minute and try again.")
            .arg(failure, what);
    if (e.kind == ArmError::Kind::OperationFailed)
        return tr("%1: Azure reports that the operation failed (%2). Check the values and the resource's "
                  "activity log in the Azure portal, "
                  "then try again.")
            .arg(failure, what);
    if (e.kind == ArmError::Kind::Network || e.kind == ArmError::Kind::Timeout)
        return tr("%1: Azure could not be reached (%2). Check the network connection and proxy, then try "
                  "again.")
            .arg(failure, what);
    return tr("%1: %2").arg(failure, e.userMessage());
}

void CoreAzureSession::send(const ArmRequest &req, const QString &failure,
                            std::function<void(const ArmResult &, const QString &)> cb)
{
    if (!m_client || !m_signedIn) {
        cb(ArmResult{}, tr("%1: not signed in to Azure. Sign in first.").arg(failure));
        return;
    }
    ArmCall *call = m_client->start(req);
    connect(call, &ArmCall::progress, this, &AzureSession::progress);
    connect(call, &ArmCall::finished, this, [this, call, failure, cb = std::move(cb)] {
        if (m_closing)
            return;
        const ArmResult r = call->result();
        cb(r, r.ok() ? QString() : describe(r, failure));
    });
}

void CoreAzureSession::subscriptions(Done<QList<AzureSubscription>> done)
{
    send(api::listSubscriptions(), tr("Could not list the Azure subscriptions"),
         [done](const ArmResult &r, const QString &error) {
             QList<AzureSubscription> subs;
             for (const QJsonValue &v : r.items) {
                 const Subscription s = Subscription::fromJson(v.toObject());
                 if (!s.subscriptionId.isEmpty() &&
                     (s.state.isEmpty() || s.state.compare(u"Enabled", Qt::CaseInsensitive) == 0))
                     subs.append(
                         {s.subscriptionId, s.displayName.isEmpty() ? s.subscriptionId : s.displayName});
             }
             done(subs, error);
         });
}

void CoreAzureSession::resourceGroups(const QString &subscriptionId, Done<QStringList> done)
{
    send(api::listResourceGroups(subscriptionId),
         tr("Could not list the resource groups of subscription %1").arg(subscriptionId),
         [done](const ArmResult &r, const QString &error) {
             QStringList groups;
             for (const QJsonValue &v : r.items)
                 groups << ResourceGroup::fromJson(v.toObject()).name;
             groups.sort(Qt::CaseInsensitive);
             done(groups, error);
         });
}

AzureServer CoreAzureSession::toServer(const QJsonObject &o)
{
    const FlexibleServer f = FlexibleServer::fromJson(o);
    AzureServer s{f.name,     f.fullyQualifiedDomainName, f.id,    f.version,
                  f.location, f.administratorLogin,       f.state, NetworkAccess::of(f).whereToRun()};
    if (const auto id = ResourceId::parse(f.id))
        s.resourceId = id->toString();
    return s;
}

void CoreAzureSession::servers(const QString &subscriptionId, const QString &resourceGroup,
                               Done<QList<AzureServer>> done)
{
    send(api::listServers(subscriptionId, resourceGroup),
         tr("Could not list the flexible servers in resource group %1").arg(resourceGroup),
         [done](const ArmResult &r, const QString &error) {
             QList<AzureServer> list;
             for (const QJsonValue &v : r.items)
                 list << toServer(v.toObject());
             std::sort(list.begin(), list.end(),
                       [](const AzureServer &a, const AzureServer &b) { return a.name < b.name; });
             done(list, error);
         });
}

void CoreAzureSession::createServer(const QString &subscriptionId, const QString &resourceGroup,
                                    const AzureServerSpec &s, const QString &adminPassword,
                                    Done<AzureServer> done)
{
    api::ServerSpec spec;
    spec.id = ResourceId::flexibleServer(subscriptionId, resourceGroup, s.name);
    spec.location = s.location;
    spec.version = s.version;
    spec.skuName = s.sku;
    spec.skuTier = skuTier(s.sku);
    spec.storageSizeGB = s.storageGb;
    spec.administratorLogin = s.adminUser;
    spec.administratorLoginPassword = adminPassword;
    spec.delegatedSubnetResourceId = s.subnetId;
    spec.privateDnsZoneArmResourceId = s.privateDnsZoneId;
    const QString failure = tr("Could not create the flexible server %1").arg(s.name);
    if (const QString why = api::checkServerSpec(spec); !why.isEmpty()) {
        done({}, tr("%1: %2").arg(failure, why));
        return;
    }
    send(api::createServer(spec), failure, [done](const ArmResult &r, const QString &error) {
        if (!error.isEmpty()) {
            done({}, error);
            return;
        }
        done(toServer(r.body), {});
    });
}

void CoreAzureSession::publicAddress(Done<QString> done)
{
    if (!m_nam)
        m_nam = new QNetworkAccessManager(this);
    QNetworkRequest req(m_config.publicAddressUrl);
    req.setTransferTimeout(15000);
    QNetworkReply *reply = m_nam->get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        reply->deleteLater();
        if (m_closing)
            return;
        const QString address = QString::fromUtf8(reply->readAll().left(64)).trimmed();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status != 200 || !api::checkIpv4(address).isEmpty()) {
            const QString why = reply->error() != QNetworkReply::NoError
                                    ? reply->errorString()
                                    : tr("the answer was not an IPv4 address");
            done({}, tr("Could not find this machine's public address at %1 (%2). Type the address into the "
                        "field.")
                         .arg(m_config.publicAddressUrl.host(), why));
            return;
        }
        done(address, {});
    });
}

void CoreAzureSession::addFirewallRule(const QString &serverResourceId, const QString &address,
                                       Done<QString> done)
{
    QString why;
    const auto id = ResourceId::parse(serverResourceId, &why);
    const QString failure = tr("Could not add a firewall rule for %1").arg(address);
    if (!id || !id->isFlexibleServer()) {
        done({}, tr("%1: pick a flexible server first.").arg(failure));
        return;
    }
    if (const QString bad = api::checkIpv4(address); !bad.isEmpty()) {
        done({}, tr("%1: %2").arg(failure, bad));
        return;
    }
    const QString name = QStringLiteral("pgferry-") + QString(address).replace(u'.', u'-');
    send(api::putFirewallRule(*id, name, address, address),
         tr("Could not add the firewall rule %1 on server %2").arg(name, id->name),
         [done, name](const ArmResult &, const QString &error) {
             done(error.isEmpty() ? name : QString(), error);
         });
}

// core/azure's AlertSetup, as `pgferry-cli azure alerts` runs it, with the default thresholds.
void CoreAzureSession::createAlerts(const QString &serverResourceId, const QString &email, bool fallback,
                                    Done<AzureAlerts> done)
{
    const auto server = flexibleServerId(serverResourceId);
    if (!server) {
        done({}, tr("Could not create the alerts: the project names no Azure flexible server. Pick the "
                    "server on the Target page."));
        return;
    }
    const QString failure = tr("Could not create the alerts on server %1").arg(server->name);
    const QString address = email.trimmed();
    if (!checkEmailAddress(address).isEmpty()) {
        done({}, tr("%1: \"%2\" is not an e-mail address such as dba@contoso.com.").arg(failure, address));
        return;
    }
    if (!m_client || !m_signedIn) {
        done({}, tr("%1: not signed in to Azure. Sign in first.").arg(failure));
        return;
    }
    AlertSettings settings;
    settings.fallback = fallback;
    auto *setup =
        new AlertSetup(m_client.get(), *server, defaultActionGroupId(*server), address, settings, this);
    connect(setup, &AlertSetup::ruleDone, this,
            [this](const ResourceId &id) { Q_EMIT progress(tr("%1 in place").arg(id.name)); });
    connect(setup, &AlertSetup::finished, this, [this, setup, failure, done] {
        setup->deleteLater();
        if (m_closing)
            return;
        const AlertSetup::Outcome &o = setup->outcome();
        if (o.ok) {
            AzureAlerts a{setup->actionGroup().name, o.groupChanged, {}};
            for (const ResourceId &id : o.rules)
                a.rules << id.name;
            done(a, {});
            return;
        }
        QString step = failure;
        if (o.failedStep == AlertSetup::Step::ReadActionGroup ||
            o.failedStep == AlertSetup::Step::WriteActionGroup)
            step = tr("Could not set up the action group %1").arg(o.failedResource.name);
        else if (o.failedStep == AlertSetup::Step::WriteRule)
            step = tr("Could not create the alert rule %1").arg(o.failedResource.name);
        QString message = describe(o.failure, step);
        if (!o.rules.isEmpty())
            message += u' ' + tr("The rules before it are in place; create the alerts again to finish.");
        done({}, message);
    });
    setup->start();
}

void CoreAzureSession::addDeleteLock(const QString &serverResourceId, Done<QString> done)
{
    const auto server = flexibleServerId(serverResourceId);
    if (!server) {
        done({}, tr("Could not add the delete lock: the project names no Azure flexible server. Pick the "
                    "server on the Target page."));
        return;
    }
    const QString name = QString::fromUtf16(api::kDeleteLockName);
    const QString failure = tr("Could not add the delete lock %1 on server %2").arg(name, server->name);
    send(api::createLock(server->toString(), name, QStringLiteral("CanNotDelete"),
                         QString::fromUtf16(api::kDeleteLockNotes)),
         failure, [done, name, failure](const ArmResult &r, const QString &error) {
             if (!error.isEmpty() && r.error.httpStatus == 403) {
                 // Contributor is not enough here: locks need Microsoft.Authorization/locks/write.
                 done({}, tr("%1: the signed-in account may not create locks (%2). Locks need the Owner or "
                             "User Access Administrator role on the server or its resource group; ask for "
                             "one, or have someone who has it add the lock.")
                              .arg(failure, codeAndMessage(r.error)));
                 return;
             }
             if (!error.isEmpty()) {
                 done({}, error);
                 return;
             }
             const ManagementLock lock = ManagementLock::fromJson(r.body);
             done(lock.name.isEmpty() ? name : lock.name, {});
         });
}

void CoreAzureSession::createReadReplica(const QString &sourceServerResourceId, const QString &name,
                                         const QString &location, Done<AzureServer> done)
{
    const auto source = flexibleServerId(sourceServerResourceId);
    if (!source) {
        done({}, tr("Could not create the read replica: the project names no Azure flexible server. Pick "
                    "the server on the Target page."));
        return;
    }
    const QString failure = tr("Could not create the read replica %1 of server %2").arg(name, source->name);
    if (const QString why = api::checkServerName(name); !why.isEmpty()) {
        done({}, tr("%1: %2").arg(failure, why));
        return;
    }
    if (location.trimmed().isEmpty()) {
        done({}, tr("%1: choose the replica's region.").arg(failure));
        return;
    }
    ResourceId replica = *source;
    replica.name = name;
    send(api::createReadReplica(replica, location.trimmed(), *source), failure,
         [done](const ArmResult &r, const QString &error) {
             if (!error.isEmpty()) {
                 done({}, error);
                 return;
             }
             done(toServer(r.body), {});
         });
}

} // namespace pgferry::wizard
