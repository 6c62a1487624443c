// The real AzureSession: the device-code flow, credentials and the ARM client of core/azure,
// all asynchronous on the GUI thread's event loop (QNetworkAccessManager does the I/O), so
// nothing here ever waits. Sign-ins are kept in a TokenStore (the OS keychain by default) under
// the same key `pgferry-cli azure login` uses, so the managed engine and the CLI find them.
#pragma once

#include "azuresession.h"

#include "azure/armclient.h"
#include "azure/cloud.h"
#include "project/project.h"

#include <QUrl>

#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace pgferry::azure {
class Credential;
class DeviceCodeFlow;
class TokenStore;
struct ArmRequest;
struct ArmResult;
} // namespace pgferry::azure

namespace pgferry::wizard {

class CoreAzureSession : public AzureSession
{
    Q_OBJECT
public:
    struct Config
    {
        project::AzureContext context;
        QString cloudConfigFile;                       // overrides context.cloud when context has none
        std::shared_ptr<azure::TokenStore> tokenStore; // nullptr: the OS keychain
        azure::ArmClient::Options armOptions;
        QUrl publicAddressUrl =
            QUrl(QStringLiteral("https://api.ipify.org")); // answers the caller's address as text
    };

    explicit CoreAzureSession(Config config, QObject *parent = nullptr);
    ~CoreAzureSession() override;

    void signIn() override;
    bool isSignedIn() const override { return m_signedIn; }
    void cancel() override;
    QString cloudConfigFile() const override;

    void subscriptions(Done<QList<AzureSubscription>> done) override;
    void resourceGroups(const QString &subscriptionId, Done<QStringList> done) override;
    void servers(const QString &subscriptionId, const QString &resourceGroup,
                 Done<QList<AzureServer>> done) override;
    void createServer(const QString &subscriptionId, const QString &resourceGroup,
                      const AzureServerSpec &spec, const QString &adminPassword,
                      Done<AzureServer> done) override;
    void publicAddress(Done<QString> done) override;
    void addFirewallRule(const QString &serverResourceId, const QString &address,
                         Done<QString> done) override;
    void createAlerts(const QString &serverResourceId, const QString &email, bool fallback,
                      Done<AzureAlerts> done) override;
    void addDeleteLock(const QString &serverResourceId, Done<QString> done) override;
    void createReadReplica(const QString &sourceServerResourceId, const QString &name,
                           const QString &location, Done<AzureServer> done) override;

    // The flexible server a create or list answer describes, as the wizard shows it.
    static AzureServer toServer(const QJsonObject &armServer);

private:
    bool resolveCloud(QString *error);
    QString tenant() const;
    void startDeviceCode();
    void useCredential(std::unique_ptr<azure::Credential> credential, const QString &note);
    // Sends req; cb gets the result, or an error message already phrased for the user.
    void send(const azure::ArmRequest &req, const QString &failure,
              std::function<void(const azure::ArmResult &, const QString &error)> cb);
    QString describe(const azure::ArmResult &result, const QString &failure);
    azure::TokenStore *store();

    Config m_config;
    std::optional<azure::Cloud> m_cloud;
    std::unique_ptr<azure::DeviceCodeFlow> m_flow;
    std::unique_ptr<azure::Credential> m_credential;
    std::unique_ptr<azure::ArmClient> m_client;
    std::shared_ptr<azure::TokenStore> m_store;
    QNetworkAccessManager *m_nam = nullptr;
    bool m_signedIn = false;
    bool m_closing = false;
    bool m_keptSignInFailed = false; // a kept sign-in was refused: the next sign-in asks for a device code
};

} // namespace pgferry::wizard
