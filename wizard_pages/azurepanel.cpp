#include "azurepanel.h"

#include "backgroundtask.h"
#include "icons.h"
#include "migrationwizard.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pgferry::wizard {

namespace {
template<typename W>
W *named(W *w, const char *name, const QString &accessible)
{
    w->setObjectName(QString::fromLatin1(name));
    w->setAccessibleName(accessible);
    return w;
}
} // namespace

AzurePanel::AzurePanel(MigrationWizard *wizard, QWidget *parent) : QWidget(parent), m_wizard(wizard)
{
    setObjectName(QStringLiteral("azurePanel"));
    m_signIn = named(new QPushButton(tr("&Sign in to Azure…")), "azureSignIn", tr("Sign in to Azure"));
    m_code = new QLabel;
    m_code->setObjectName(QStringLiteral("azureDeviceCode"));
    m_code->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_code->setOpenExternalLinks(true);
    m_code->setWordWrap(true);
    m_code->setVisible(false);
    m_status = new QLabel(tr("Sign in with a device code: you enter a short code on a Microsoft page in any browser."));
    m_status->setObjectName(QStringLiteral("azureStatus"));
    m_status->setWordWrap(true);
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_subscription = named(new QComboBox, "azureSubscription", tr("Azure subscription"));
    m_resourceGroup = named(new QComboBox, "azureResourceGroup", tr("Azure resource group"));
    m_server = named(new QComboBox, "azureServer", tr("Azure flexible server"));
    m_firewall = named(new QPushButton(tr("Add &firewall rule for this machine")), "azureFirewall",
                       tr("Add a firewall rule for this machine's address"));
    m_firewall->setToolTip(tr("Allows this machine's public address to reach the server (rule pgferry-<machine>)."));

    m_newName = named(new QLineEdit, "azureNewName", tr("New server name"));
    m_newName->setPlaceholderText(tr("lowercase letters, digits and hyphens"));
    m_newVersion = named(new QComboBox, "azureNewVersion", tr("PostgreSQL version of the new server"));
    m_newVersion->addItems({QStringLiteral("16"), QStringLiteral("15"), QStringLiteral("14"), QStringLiteral("13")});
    m_newSku = named(new QComboBox, "azureNewSku", tr("Compute of the new server"));
    m_newSku->addItem(tr("Burstable B2s (2 vCores, 4 GiB)"), QStringLiteral("Standard_B2s"));
    m_newSku->addItem(tr("General Purpose D2ds v5 (2 vCores, 8 GiB)"), QStringLiteral("Standard_D2ds_v5"));
    m_newSku->addItem(tr("General Purpose D4ds v5 (4 vCores, 16 GiB)"), QStringLiteral("Standard_D4ds_v5"));
    m_newSku->addItem(tr("Memory Optimized E4ds v5 (4 vCores, 32 GiB)"), QStringLiteral("Standard_E4ds_v5"));
    m_newSku->setCurrentIndex(1);
    m_newStorage = named(new QSpinBox, "azureNewStorage", tr("Storage of the new server in GiB"));
    m_newStorage->setRange(32, 32768);
    m_newStorage->setValue(128);
    m_newStorage->setSuffix(tr(" GiB"));
    m_newRegion = named(new QComboBox, "azureNewRegion", tr("Region of the new server"));
    m_newRegion->setEditable(true);
    m_newRegion->addItems({QStringLiteral("westeurope"), QStringLiteral("northeurope"), QStringLiteral("germanywestcentral"),
                           QStringLiteral("eastus"), QStringLiteral("eastus2"), QStringLiteral("westus2"), QStringLiteral("uksouth")});
    m_newAdmin = named(new QLineEdit, "azureNewAdmin", tr("Administrator of the new server"));
    m_newPassword = named(new QLineEdit, "azureNewPassword", tr("Administrator password of the new server"));
    m_newPassword->setEchoMode(QLineEdit::Password);
    m_newPassword->setPlaceholderText(tr("password"));
    m_newAdmin->setPlaceholderText(tr("administrator login"));
    m_create = named(new QPushButton(tr("C&reate server")), "azureCreateServer", tr("Create the flexible server"));

    m_createBox = new QGroupBox(tr("Create a new flexible server"));
    m_createBox->setObjectName(QStringLiteral("azureCreateBox"));
    m_createBox->setCheckable(true);
    m_createBox->setChecked(false);
    auto *cf = new QFormLayout(m_createBox);
    cf->addRow(tr("Name:"), m_newName);
    auto *row = new QHBoxLayout;
    row->addWidget(m_newVersion);
    row->addWidget(new QLabel(tr("Compute:")));
    row->addWidget(m_newSku, 1);
    cf->addRow(tr("Version:"), row);
    auto *row2 = new QHBoxLayout;
    row2->addWidget(m_newStorage);
    row2->addWidget(new QLabel(tr("Region:")));
    row2->addWidget(m_newRegion, 1);
    cf->addRow(tr("Storage:"), row2);
    auto *row3 = new QHBoxLayout;
    row3->addWidget(m_newAdmin, 1);
    row3->addWidget(m_newPassword, 1);
    row3->addWidget(m_create);
    cf->addRow(tr("Administrator:"), row3);
    for (QWidget *w : std::initializer_list<QWidget *>{m_newName, m_newVersion, m_newSku, m_newStorage, m_newRegion, m_newAdmin, m_newPassword, m_create})
        w->setEnabled(false);
    connect(m_createBox, &QGroupBox::toggled, this, [this](bool on) {
        for (QWidget *w : std::initializer_list<QWidget *>{m_newName, m_newVersion, m_newSku, m_newStorage, m_newRegion, m_newAdmin, m_newPassword, m_create})
            w->setEnabled(on);
    });

    auto *signRow = new QHBoxLayout;
    signRow->addWidget(m_signIn);
    signRow->addWidget(m_busy);
    signRow->addWidget(m_status, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("S&ubscription:"), m_subscription);
    form->addRow(tr("&Resource group:"), m_resourceGroup);
    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_server, 1);
    serverRow->addWidget(m_firewall);
    form->addRow(tr("Flexible ser&ver:"), serverRow);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(serverRow)))
        l->setBuddy(m_server);

    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(signRow);
    v->addWidget(m_code);
    v->addLayout(form);
    v->addWidget(m_createBox);

    connect(m_signIn, &QPushButton::clicked, this, &AzurePanel::signIn);
    connect(m_subscription, &QComboBox::activated, this, &AzurePanel::loadResourceGroups);
    connect(m_resourceGroup, &QComboBox::activated, this, &AzurePanel::loadServers);
    connect(m_server, &QComboBox::activated, this, [this](int i) {
        if (i >= 0 && i < m_servers.size()) {
            Q_EMIT serverChosen(m_servers.at(i));
            Q_EMIT changed();
        }
    });
    connect(m_create, &QPushButton::clicked, this, &AzurePanel::createServer);
    connect(m_firewall, &QPushButton::clicked, this, &AzurePanel::addFirewallRule);
}

void AzurePanel::setBusy(const QString &message)
{
    m_busy->setVisible(true);
    m_status->setText(message);
}

void AzurePanel::setMessage(const QString &message, bool error)
{
    m_busy->setVisible(false);
    m_status->setText(error ? QStringLiteral("<span style='color:%1'>%2</span>")
                                  .arg(severityColor(Severity::Blocker).name(), message.toHtmlEscaped())
                            : message.toHtmlEscaped());
}

void AzurePanel::showDeviceCode(const AzureDeviceCode &code)
{
    m_code->setText(tr("Open <a href=\"%1\">%1</a> in a browser and enter the code <b style='font-size:14pt'>%2</b>")
                        .arg(code.verificationUri.toHtmlEscaped(), code.userCode.toHtmlEscaped()));
    m_code->setVisible(true);
    setBusy(tr("Waiting for you to sign in…"));
}

void AzurePanel::setSignedIn(const QStringList &subscriptions)
{
    m_code->setVisible(false);
    m_subscription->clear();
    m_subscription->addItems(subscriptions);
    const int i = m_subscription->findText(m_ctx.subscriptionId);
    if (i >= 0)
        m_subscription->setCurrentIndex(i);
    setMessage(tr("Signed in. Pick the server to migrate to, or create one."), false);
}

void AzurePanel::signIn()
{
    m_signIn->setEnabled(false);
    setBusy(tr("Asking Azure for a device code…"));
    project::AzureContext ctx = m_ctx;
    auto services = m_wizard->services();
    runInBackground(
        this,
        [services, ctx] {
            QString error;
            auto code = services->azureBeginSignIn(ctx, &error);
            return std::make_pair(code, error);
        },
        [this, services](const std::pair<std::optional<AzureDeviceCode>, QString> &r) {
            if (!r.first) {
                m_signIn->setEnabled(true);
                setMessage(tr("Sign-in failed: %1").arg(r.second), true);
                return;
            }
            showDeviceCode(*r.first);
            runInBackground(
                this,
                [services] {
                    QString error;
                    QStringList subs;
                    if (services->azureCompleteSignIn(&error))
                        subs = services->azureSubscriptions(&error);
                    return std::make_pair(subs, error);
                },
                [this](const std::pair<QStringList, QString> &s) {
                    m_signIn->setEnabled(true);
                    m_code->setVisible(false);
                    if (!s.second.isEmpty()) {
                        setMessage(tr("Sign-in failed: %1").arg(s.second), true);
                        return;
                    }
                    setSignedIn(s.first);
                    loadResourceGroups();
                });
        });
}

void AzurePanel::loadResourceGroups()
{
    const QString sub = m_subscription->currentText();
    if (sub.isEmpty())
        return;
    setBusy(tr("Reading resource groups…"));
    runInBackground(
        this,
        [services = m_wizard->services(), sub] {
            QString error;
            QStringList groups = services->azureResourceGroups(sub, &error);
            return std::make_pair(groups, error);
        },
        [this](const std::pair<QStringList, QString> &r) {
            if (!r.second.isEmpty()) {
                setMessage(r.second, true);
                return;
            }
            m_resourceGroup->clear();
            m_resourceGroup->addItems(r.first);
            const int i = m_resourceGroup->findText(m_ctx.resourceGroup);
            if (i >= 0)
                m_resourceGroup->setCurrentIndex(i);
            setMessage(tr("%n resource group(s).", nullptr, int(r.first.size())), false);
            loadServers();
        });
}

void AzurePanel::loadServers()
{
    const QString sub = m_subscription->currentText();
    const QString rg = m_resourceGroup->currentText();
    if (sub.isEmpty() || rg.isEmpty())
        return;
    setBusy(tr("Reading flexible servers…"));
    runInBackground(
        this,
        [services = m_wizard->services(), sub, rg] {
            QString error;
            auto servers = services->azureServers(sub, rg, &error);
            return std::make_pair(servers, error);
        },
        [this](const std::pair<QList<AzureServer>, QString> &r) {
            if (!r.second.isEmpty()) {
                setMessage(r.second, true);
                return;
            }
            m_servers = r.first;
            m_server->clear();
            for (const AzureServer &s : m_servers)
                m_server->addItem(tr("%1 (PostgreSQL %2, %3)").arg(s.name, s.version, s.location));
            setMessage(m_servers.isEmpty() ? tr("No flexible server in this resource group: create one below.")
                                           : tr("%n flexible server(s).", nullptr, int(m_servers.size())),
                       false);
        });
}

void AzurePanel::createServer()
{
    AzureServerSpec spec;
    spec.name = m_newName->text().trimmed();
    spec.version = m_newVersion->currentText();
    spec.sku = m_newSku->currentData().toString();
    spec.storageGb = m_newStorage->value();
    spec.location = m_newRegion->currentText();
    spec.adminUser = m_newAdmin->text().trimmed();
    if (spec.name.isEmpty() || spec.adminUser.isEmpty() || m_newPassword->text().isEmpty()) {
        setMessage(tr("Enter the new server's name, administrator and password."), true);
        return;
    }
    project::AzureContext ctx = m_ctx;
    ctx.subscriptionId = m_subscription->currentText();
    ctx.resourceGroup = m_resourceGroup->currentText();
    setBusy(tr("Creating %1; this takes several minutes…").arg(spec.name));
    m_create->setEnabled(false);
    runInBackground(
        this,
        [services = m_wizard->services(), ctx, spec, pw = m_newPassword->text()] {
            QString error;
            auto server = services->azureCreateServer(ctx, spec, pw, &error);
            return std::make_pair(server, error);
        },
        [this](const std::pair<std::optional<AzureServer>, QString> &r) {
            m_create->setEnabled(true);
            if (!r.first) {
                setMessage(tr("Creating the server failed: %1").arg(r.second), true);
                return;
            }
            m_servers.append(*r.first);
            m_server->addItem(tr("%1 (PostgreSQL %2, %3)").arg(r.first->name, r.first->version, r.first->location));
            m_server->setCurrentIndex(m_server->count() - 1);
            setMessage(tr("Created %1.").arg(r.first->fqdn), false);
            Q_EMIT serverChosen(*r.first);
            Q_EMIT changed();
        });
}

void AzurePanel::addFirewallRule()
{
    project::Project p;
    storeTo(p);
    setBusy(tr("Adding a firewall rule for this machine…"));
    runInBackground(
        this,
        [services = m_wizard->services(), ctx = p.azure] {
            QString error;
            const bool ok = services->azureAddFirewallRule(ctx, &error);
            return std::make_pair(ok, error);
        },
        [this](const std::pair<bool, QString> &r) {
            setMessage(r.first ? tr("Firewall rule added: this machine can reach the server.") : tr("Adding the firewall rule failed: %1").arg(r.second),
                       !r.first);
        });
}

void AzurePanel::loadFrom(const project::Project &p)
{
    m_ctx = p.azure;
    m_servers.clear();
    m_subscription->clear();
    m_resourceGroup->clear();
    m_server->clear();
    if (!p.azure.subscriptionId.isEmpty())
        m_subscription->addItem(p.azure.subscriptionId);
    if (!p.azure.resourceGroup.isEmpty())
        m_resourceGroup->addItem(p.azure.resourceGroup);
    if (!p.azure.serverName.isEmpty()) {
        m_servers.append(AzureServer{p.azure.serverName, p.target.host, p.target.azureResourceId, {}, {}});
        m_server->addItem(p.azure.serverName);
    }
}

void AzurePanel::storeTo(project::Project &p) const
{
    p.azure.subscriptionId = m_subscription->currentText();
    p.azure.resourceGroup = m_resourceGroup->currentText();
    const int i = m_server->currentIndex();
    if (i >= 0 && i < m_servers.size()) {
        p.azure.serverName = m_servers.at(i).name;
        p.target.azureResourceId = m_servers.at(i).resourceId;
    } else {
        p.azure.serverName.clear();
    }
}

} // namespace pgferry::wizard
