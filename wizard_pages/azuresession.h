// The wizard's view of Azure: a signed-in session that lists subscriptions, resource groups and
// flexible servers, creates a server and adds a firewall rule, and after the migration sets up
// alerts, a delete lock and a read replica on the new server. Every call returns at once; the
// answer arrives later on the GUI thread (a callback, or a signal for the sign-in), so pages
// never wait for the network. CoreAzureSession drives core/azure; SampleAzureSession feeds
// screenshots. Messages are complete sentences for the user (what, to which object, what to do).
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace pgferry::wizard {

struct AzureDeviceCode
{
    QString userCode;
    QString verificationUri;
    QString message; // Microsoft's own instruction text
};

struct AzureSubscription
{
    QString id; // the subscription's GUID
    QString name;
};

struct AzureServer
{
    QString name;
    QString fqdn;
    QString resourceId; // canonical /subscriptions/…/flexibleServers/NAME
    QString version;
    QString location;
    QString administratorLogin;
    QString state; // Ready, Stopped, …
    // Empty for a server with public access; otherwise where pgferry must run to reach it (inside
    // its virtual network, or over a site-to-site VPN / ExpressRoute), read from its network properties.
    QString privateAccess;
};

struct AzureServerSpec
{
    QString name;
    QString version = QStringLiteral("16");
    QString sku = QStringLiteral("Standard_D2ds_v5");
    int storageGb = 128;
    QString location = QStringLiteral("westeurope");
    QString adminUser;
    // Private access (both or neither): the delegated subnet's and the private DNS zone's resource ids.
    QString subnetId;
    QString privateDnsZoneId;
};

// What createAlerts() set up: the action group (its name; changed when the e-mail receiver was added
// or the group made) and the names of the metric alert rules, all in the server's resource group.
struct AzureAlerts
{
    QString actionGroup;
    bool actionGroupChanged = false;
    QStringList rules;
};

class AzureSession : public QObject
{
    Q_OBJECT
public:
    // value, or an empty value and a non-empty error.
    template<typename T> using Done = std::function<void(const T &value, const QString &error)>;

    using QObject::QObject;
    ~AzureSession() override = default;

    // Signs in: with AZURE_CLIENT_SECRET's service principal, a kept sign-in, or a device code
    // (deviceCode(), then signedIn() or signInFailed()).
    virtual void signIn() = 0;
    virtual bool isSignedIn() const = 0;
    // Stops the sign-in and every call in flight; their callbacks get a "cancelled" error.
    virtual void cancel() = 0;
    // The cloud configuration file in use (empty for a built-in cloud), for the project file.
    virtual QString cloudConfigFile() const = 0;

    virtual void subscriptions(Done<QList<AzureSubscription>> done) = 0;
    virtual void resourceGroups(const QString &subscriptionId, Done<QStringList> done) = 0;
    virtual void servers(const QString &subscriptionId, const QString &resourceGroup,
                         Done<QList<AzureServer>> done) = 0;
    // A long-running operation: progress() while Azure works, then done.
    virtual void createServer(const QString &subscriptionId, const QString &resourceGroup,
                              const AzureServerSpec &spec, const QString &adminPassword,
                              Done<AzureServer> done) = 0;
    // This machine's address as the internet sees it (for the firewall rule).
    virtual void publicAddress(Done<QString> done) = 0;
    // Allows `address` to reach the server; the value is the rule's name.
    virtual void addFirewallRule(const QString &serverResourceId, const QString &address,
                                 Done<QString> done) = 0;

    // After the migration, as `pgferry-cli azure alerts|lock|replica` do. Re-running one updates what
    // it made (the same names), never adds copies.
    // Azure Monitor alert rules on the server (core/azure/alertsetup.h) that e-mail `email` through
    // the action group pgferry-SERVER-alerts; `fallback` adds the fallback stream's lag rule.
    virtual void createAlerts(const QString &serverResourceId, const QString &email, bool fallback,
                              Done<AzureAlerts> done) = 0;
    // A CanNotDelete management lock on the server; the value is the lock's name.
    virtual void addDeleteLock(const QString &serverResourceId, Done<QString> done) = 0;
    // A read replica `name` of the server in region `location` (a long-running operation:
    // progress() while Azure works), in the server's resource group.
    virtual void createReadReplica(const QString &sourceServerResourceId, const QString &name,
                                   const QString &location, Done<AzureServer> done) = 0;

Q_SIGNALS:
    void deviceCode(const pgferry::wizard::AzureDeviceCode &code);
    // note: anything the user should know (e.g. the sign-in could not be kept in the keychain).
    void signedIn(const QString &note);
    void signInFailed(const QString &message);
    // A long-running operation's state as Azure reports it (e.g. InProgress).
    void progress(const QString &status);
};

} // namespace pgferry::wizard
