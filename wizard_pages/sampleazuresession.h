// An AzureSession with canned answers (Contoso's subscriptions, resource groups and server),
// delivered on the next event-loop turn like real ones. For screenshots and page tests.
#pragma once

#include "azuresession.h"

namespace pgferry::wizard {

class SampleAzureSession : public AzureSession
{
    Q_OBJECT
public:
    using AzureSession::AzureSession;

    static AzureDeviceCode sampleDeviceCode();
    static QList<AzureSubscription> sampleSubscriptions();
    static QList<AzureServer> sampleServers();

    void signIn() override;
    bool isSignedIn() const override { return m_signedIn; }
    void cancel() override {}
    QString cloudConfigFile() const override { return {}; }
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

private:
    bool m_signedIn = false;
};

} // namespace pgferry::wizard
