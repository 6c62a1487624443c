// The Azure part of the target page: device-code sign-in (the code and the address shown, the
// wait in the background), subscription, resource group and flexible server pickers, creating a
// server, and a firewall rule for this machine.
#pragma once

#include "project/project.h"
#include "wizardservices.h"

#include <QWidget>

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
    void loadFrom(const project::Project &p);
    void storeTo(project::Project &p) const;
    // For screenshots and tests: show a device code as if sign-in were waiting for it.
    void showDeviceCode(const AzureDeviceCode &code);
    void setSignedIn(const QStringList &subscriptions);

Q_SIGNALS:
    void changed();
    void serverChosen(const pgferry::wizard::AzureServer &server);

private:
    void signIn();
    void loadResourceGroups();
    void loadServers();
    void createServer();
    void addFirewallRule();
    void setBusy(const QString &message);
    void setMessage(const QString &message, bool error);

    MigrationWizard *m_wizard;
    QPushButton *m_signIn;
    QLabel *m_code;
    QLabel *m_status;
    QProgressBar *m_busy;
    QComboBox *m_subscription;
    QComboBox *m_resourceGroup;
    QComboBox *m_server;
    QPushButton *m_firewall;
    QGroupBox *m_createBox;
    QLineEdit *m_newName;
    QComboBox *m_newVersion;
    QComboBox *m_newSku;
    QSpinBox *m_newStorage;
    QComboBox *m_newRegion;
    QLineEdit *m_newAdmin;
    QLineEdit *m_newPassword;
    QPushButton *m_create;
    QList<AzureServer> m_servers;
    project::AzureContext m_ctx;
};

} // namespace pgferry::wizard
