// The Azure part of the target page: device-code sign-in (the code and the address shown while
// the wait goes on in the background), subscription, resource group and flexible server pickers,
// creating a server (a long-running operation), and a firewall rule for this machine. A view over
// an AzureSession: every call returns at once and answers later, so the page never freezes.
#pragma once

#include "azuresession.h"
#include "project/project.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace pgferry::wizard {

class MigrationWizard;

class AzurePanel : public QWidget
{
    Q_OBJECT
public:
    explicit AzurePanel(MigrationWizard *wizard, QWidget *parent = nullptr);
    ~AzurePanel() override;
    void loadFrom(const project::Project &p);
    // Records the chosen server: azure.subscription_id/resource_group/server_name, the target's
    // resource id (as `pgferry-cli project new --target-resource-id` does) and the cloud file used.
    void storeTo(project::Project &p) const;

    AzureSession *session() const { return m_session.get(); }
    QString message() const; // the status line as plain text
    bool messageIsError() const { return m_messageIsError; }
    bool isBusy() const { return m_pending > 0; }

Q_SIGNALS:
    void changed();
    void serverChosen(const pgferry::wizard::AzureServer &server);

private:
    void signIn();
    void cancel();
    void showDeviceCode(const AzureDeviceCode &code);
    void loadSubscriptions();
    void loadResourceGroups();
    void loadServers();
    void createServer();
    void addFirewallRule();
    void fillServers(const QList<AzureServer> &servers);
    void begin(const QString &message);
    void end();
    void setMessage(const QString &message, bool error);
    void updateActions();
    void showNetworkAccess();
    // The create form's tier, SKU and storage from core/azure/sizing, measured in the background.
    void recommendSize();
    QString subscriptionId() const;
    const AzureServer *currentServer() const;

    MigrationWizard *m_wizard;
    std::unique_ptr<AzureSession> m_session;
    QPushButton *m_signIn;
    QPushButton *m_cancel;
    QLabel *m_code;
    QLabel *m_status;
    QProgressBar *m_busy;
    QComboBox *m_subscription;
    QComboBox *m_resourceGroup;
    QComboBox *m_server;
    QLineEdit *m_address;
    QPushButton *m_firewall;
    QGroupBox *m_createBox;
    QLineEdit *m_newName;
    QComboBox *m_newVersion;
    QComboBox *m_newSku;
    QSpinBox *m_newStorage;
    QComboBox *m_newRegion;
    QLineEdit *m_newAdmin;
    QLineEdit *m_newPassword;
    QLineEdit *m_newSubnet;
    QLineEdit *m_newDnsZone;
    QLabel *m_networkAccess;
    QPushButton *m_recommend;
    QLabel *m_sizing;
    QPushButton *m_create;
    QList<AzureServer> m_servers;
    project::AzureContext m_ctx;
    QString m_cloudConfigUsed;
    QString m_message;
    bool m_messageIsError = false;
    int m_pending = 0;
    bool m_signingIn = false;
    bool m_creating = false;
    bool m_addingRule = false;
    bool m_sizingRunning = false;
    bool m_sized = false;
    int m_groupsGeneration = 0;
    int m_serversGeneration = 0;
};

} // namespace pgferry::wizard
