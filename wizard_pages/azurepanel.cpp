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
#include <QTextDocumentFragment>
#include <QVBoxLayout>

namespace pgferry::wizard {

namespace {
template<typename W> W *named(W *w, const char *name, const QString &accessible)
{
    w->setObjectName(QString::fromLatin1(name));
    w->setAccessibleName(accessible);
    return w;
}
} // namespace

AzurePanel::AzurePanel(MigrationWizard *wizard, QWidget *parent) : QWidget(parent), m_wizard(wizard)
{
    setObjectName(QStringLiteral("azurePanel"));
    m_signIn = named(new QPushButton(tr("S&ign in to Azure…")), "azureSignIn", tr("Sign in to Azure"));
    m_cancel =
        named(new QPushButton(tr("Cancel")), "azureCancel", tr("Cancel the Azure sign-in or operation"));
    m_cancel->setVisible(false);
    m_code = new QLabel;
    m_code->setObjectName(QStringLiteral("azureDeviceCode"));
    m_code->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_code->setOpenExternalLinks(true);
    m_code->setWordWrap(true);
    m_code->setVisible(false);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("azureStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_busy = new QProgressBar;
    m_busy->setObjectName(QStringLiteral("azureBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_subscription = named(new QComboBox, "azureSubscription", tr("Azure subscription"));
    m_resourceGroup = named(new QComboBox, "azureResourceGroup", tr("Azure resource group"));
    m_server = named(new QComboBox, "azureServer", tr("Azure flexible server"));
    m_address = named(new QLineEdit, "azureClientAddress", tr("This machine's public IPv4 address"));
    m_address->setPlaceholderText(tr("found when you add the rule"));
    m_address->setToolTip(tr("The address Azure sees this machine connect from. Left empty, pgferry asks a "
                             "public address service for it."));
    m_firewall = named(new QPushButton(tr("&Add firewall rule")), "azureFirewall",
                       tr("Add a firewall rule for this machine's address"));
    m_firewall->setToolTip(
        tr("Allows this machine's public address to reach the server (rule pgferry-<address>)."));

    m_newName = named(new QLineEdit, "azureNewName", tr("New server name"));
    m_newName->setPlaceholderText(tr("lowercase letters, digits and hyphens"));
    m_newVersion = named(new QComboBox, "azureNewVersion", tr("PostgreSQL version of the new server"));
    // The majors flexible server offers (PostgresMajorVersion, API 2025-08-01); 17 is the
    // reference case's target. One older than the source is refused by the assessment.
    for (int major = 18; major >= 11; --major)
        m_newVersion->addItem(QString::number(major));
    m_newVersion->setCurrentText(QStringLiteral("17"));
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
    m_newRegion->addItems({QStringLiteral("westeurope"), QStringLiteral("northeurope"),
                           QStringLiteral("germanywestcentral"), QStringLiteral("eastus"),
                           QStringLiteral("eastus2"), QStringLiteral("westus2"), QStringLiteral("uksouth")});
    m_newAdmin = named(new QLineEdit, "azureNewAdmin", tr("Administrator of the new server"));
    m_newPassword = named(new QLineEdit, "azureNewPassword", tr("Administrator password of the new server"));
    m_newPassword->setEchoMode(QLineEdit::Password);
    m_newPassword->setPlaceholderText(tr("password"));
    m_newAdmin->setPlaceholderText(tr("administrator login"));
    m_newSubnet =
        named(new QLineEdit, "azureNewSubnet", tr("Delegated subnet of the new server (private access)"));
    m_newSubnet->setPlaceholderText(tr("subnet resource id (optional: private access)"));
    m_newSubnet->setToolTip(
        tr("/subscriptions/…/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET, delegated to "
           "Microsoft.DBforPostgreSQL/flexibleServers. The server then has no public endpoint: pgferry must "
           "run inside "
           "that network or over its site-to-site VPN or ExpressRoute."));
    m_newDnsZone =
        named(new QLineEdit, "azureNewDnsZone", tr("Private DNS zone of the new server (private access)"));
    m_newDnsZone->setPlaceholderText(tr("private DNS zone resource id"));
    m_newDnsZone->setToolTip(tr("/subscriptions/…/providers/Microsoft.Network/privateDnsZones/"
                                "NAME.private.postgres.database.azure.com"));
    m_networkAccess = new QLabel;
    m_networkAccess->setObjectName(QStringLiteral("azureNetworkAccess"));
    m_networkAccess->setWordWrap(true);
    m_networkAccess->setVisible(false);
    m_create =
        named(new QPushButton(tr("Cr&eate server")), "azureCreateServer", tr("Create the flexible server"));
    m_recommend = named(new QPushButton(tr("Recommend from the source")), "azureRecommendSize",
                        tr("Recommend the tier, compute and storage from the source"));
    m_recommend->setToolTip(tr(
        "Measures the source for 10 seconds (size, connections, memory settings, transaction and WAL rate), "
        "as pgferry-cli azure size does, and fills in the tier, compute and storage."));
    m_sizing = new QLabel;
    m_sizing->setObjectName(QStringLiteral("azureSizing"));
    m_sizing->setWordWrap(true);
    m_sizing->setTextFormat(Qt::RichText);
    m_sizing->setVisible(false);

    m_createBox = new QGroupBox(tr("Create a new flexible server"));
    m_createBox->setObjectName(QStringLiteral("azureCreateBox"));
    m_createBox->setCheckable(true);
    m_createBox->setChecked(false);
    auto *cf = new QFormLayout(m_createBox);
    auto *sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_recommend);
    sizeRow->addStretch();
    cf->addRow(sizeRow);
    cf->addRow(m_sizing);
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
    auto *rowNet = new QHBoxLayout;
    rowNet->addWidget(m_newSubnet, 1);
    rowNet->addWidget(m_newDnsZone, 1);
    cf->addRow(tr("Private access:"), rowNet);
    auto *row3 = new QHBoxLayout;
    row3->addWidget(m_newAdmin, 1);
    row3->addWidget(m_newPassword, 1);
    row3->addWidget(m_create);
    cf->addRow(tr("Administrator:"), row3);
    connect(m_createBox, &QGroupBox::toggled, this, &AzurePanel::updateActions);
    connect(m_createBox, &QGroupBox::toggled, this, [this](bool on) {
        if (on && !m_sized && !m_sizingRunning)
            recommendSize();
    });
    connect(m_recommend, &QPushButton::clicked, this, &AzurePanel::recommendSize);

    auto *signRow = new QHBoxLayout;
    signRow->addWidget(m_signIn);
    signRow->addWidget(m_cancel);
    signRow->addWidget(m_busy);
    signRow->addWidget(m_status, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("Subsc&ription:"), m_subscription);
    form->addRow(tr("Resource &group:"), m_resourceGroup);
    form->addRow(tr("F&lexible server:"), m_server);
    auto *fwRow = new QHBoxLayout;
    fwRow->addWidget(m_address, 1);
    fwRow->addWidget(m_firewall);
    form->addRow(tr("This &machine:"), fwRow);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(fwRow)))
        l->setBuddy(m_address);

    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(signRow);
    v->addWidget(m_code);
    v->addLayout(form);
    v->addWidget(m_networkAccess);
    v->addWidget(m_createBox);

    connect(m_signIn, &QPushButton::clicked, this, &AzurePanel::signIn);
    connect(m_cancel, &QPushButton::clicked, this, &AzurePanel::cancel);
    connect(m_subscription, &QComboBox::activated, this, [this] {
        loadResourceGroups();
        Q_EMIT changed();
    });
    connect(m_resourceGroup, &QComboBox::activated, this, [this] {
        loadServers();
        Q_EMIT changed();
    });
    connect(m_server, &QComboBox::activated, this, [this] {
        updateActions();
        showNetworkAccess();
        if (const AzureServer *s = currentServer()) {
            Q_EMIT serverChosen(*s);
            Q_EMIT changed();
        }
    });
    connect(m_create, &QPushButton::clicked, this, &AzurePanel::createServer);
    connect(m_firewall, &QPushButton::clicked, this, &AzurePanel::addFirewallRule);
    setMessage(tr("Sign in with a device code: you enter a short code on a Microsoft page in any browser."),
               false);
    updateActions();
}

AzurePanel::~AzurePanel()
{
    m_session.reset(); // its calls end silently while the widgets still exist
}

QString AzurePanel::message() const
{
    return m_message;
}

void AzurePanel::begin(const QString &message)
{
    ++m_pending;
    m_busy->setVisible(true);
    setMessage(message, false);
    updateActions();
}

void AzurePanel::end()
{
    m_pending = std::max(0, m_pending - 1);
    m_busy->setVisible(m_pending > 0);
    updateActions();
}

void AzurePanel::setMessage(const QString &message, bool error)
{
    m_message = message;
    m_messageIsError = error;
    m_status->setText(error ? QStringLiteral("<span style='color:%1'>%2</span>")
                                  .arg(severityColor(Severity::Blocker).name(), message.toHtmlEscaped())
                            : message.toHtmlEscaped());
    m_status->setAccessibleDescription(message);
}

void AzurePanel::updateActions()
{
    const bool signedIn = m_session && m_session->isSignedIn();
    m_signIn->setEnabled(!m_signingIn);
    m_cancel->setVisible(m_signingIn || m_creating);
    // A firewall rule cannot open a server without public access.
    m_firewall->setEnabled(signedIn && currentServer() && currentServer()->privateAccess.isEmpty() &&
                           !m_addingRule);
    const bool create = m_createBox->isChecked();
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_newName, m_newVersion, m_newSku, m_newStorage, m_newRegion,
                                          m_newAdmin, m_newPassword, m_newSubnet, m_newDnsZone})
        w->setEnabled(create && !m_creating);
    m_create->setEnabled(create && signedIn && !m_creating && !m_resourceGroup->currentText().isEmpty());
    m_recommend->setEnabled(create && !m_creating && !m_sizingRunning);
}

void AzurePanel::recommendSize()
{
    if (m_sizingRunning)
        return;
    m_sizingRunning = true;
    m_sizing->setVisible(true);
    m_sizing->setText(tr("Measuring the source for 10 seconds to recommend the server…"));
    updateActions();
    const ServicesPtr services = m_wizard->services();
    const project::Project project = m_wizard->project();
    const Credentials credentials = m_wizard->credentials();
    runInBackground(
        this,
        [services, project, credentials] {
            return services->recommendServerSize(project, credentials, std::chrono::seconds(10));
        },
        [this](const SizingResult &r) {
            m_sizingRunning = false;
            updateActions();
            if (!r.ok()) {
                m_sizing->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                      .arg(severityColor(Severity::Warning).name(), r.error.toHtmlEscaped()));
                m_sizing->setAccessibleDescription(r.error);
                return;
            }
            const azure::SizeRecommendation &rec = r.recommendation;
            int i = m_newSku->findData(rec.sku);
            if (i < 0) {
                m_newSku->addItem(
                    tr("%1 %2 (%3 vCores, %4 GiB)").arg(rec.tier, rec.sku).arg(rec.vcores).arg(rec.memoryGb),
                    rec.sku);
                i = m_newSku->count() - 1;
            }
            m_newSku->setCurrentIndex(i);
            m_newStorage->setValue(rec.storageGb);
            m_sized = true;
            QString html =
                tr("Recommended: <b>%1 %2</b>, %3 vCores, %4 GiB memory, %5 GiB storage (%6, %7 IOPS).")
                    .arg(rec.tier.toHtmlEscaped(), rec.sku.toHtmlEscaped())
                    .arg(rec.vcores)
                    .arg(rec.memoryGb)
                    .arg(rec.storageGb)
                    .arg(rec.storageTier.toHtmlEscaped())
                    .arg(rec.iops);
            html += QStringLiteral("<ul>");
            for (const QString &why : rec.reasons)
                html += QStringLiteral("<li>%1</li>").arg(why.toHtmlEscaped());
            for (const QString &c : rec.caveats)
                html += QStringLiteral("<li><i>%1</i></li>").arg(c.toHtmlEscaped());
            html += QStringLiteral("</ul>");
            m_sizing->setText(html);
            m_sizing->setAccessibleDescription(
                (QStringList{
                     tr("Recommended: %1 %2, %3 GiB storage.").arg(rec.tier, rec.sku).arg(rec.storageGb)} +
                 rec.reasons + rec.caveats)
                    .join(u'\n'));
        });
}

void AzurePanel::showNetworkAccess()
{
    // Known from Azure Resource Manager at once: said before a connection attempt could time out.
    const AzureServer *s = currentServer();
    const bool isPrivate = s && !s->privateAccess.isEmpty();
    m_networkAccess->setVisible(isPrivate);
    if (!isPrivate) {
        m_networkAccess->clear();
        return;
    }
    const QString text = tr("No public access. Run pgferry inside the server's virtual network, or on a "
                            "machine connected to it over a "
                            "site-to-site VPN or ExpressRoute. %1")
                             .arg(s->privateAccess);
    m_networkAccess->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                                 .arg(severityColor(Severity::Warning).name(), text.toHtmlEscaped()));
    m_networkAccess->setAccessibleDescription(text);
}

QString AzurePanel::subscriptionId() const
{
    const QString id = m_subscription->currentData().toString();
    return id.isEmpty() ? m_subscription->currentText() : id;
}

const AzureServer *AzurePanel::currentServer() const
{
    const int i = m_server->currentIndex();
    return i >= 0 && i < m_servers.size() ? &m_servers.at(i) : nullptr;
}

void AzurePanel::showDeviceCode(const AzureDeviceCode &code)
{
    m_code->setText(
        tr("Open <a href=\"%1\">%1</a> in a browser and enter the code <b style='font-size:14pt'>%2</b>")
            .arg(code.verificationUri.toHtmlEscaped(), code.userCode.toHtmlEscaped()));
    m_code->setAccessibleName(
        tr("Open %1 in a browser and enter the code %2").arg(code.verificationUri, code.userCode));
    m_code->setVisible(true);
    setMessage(tr("Waiting for you to sign in…"), false);
}

void AzurePanel::signIn()
{
    if (!m_session) {
        m_session = m_wizard->services()->createAzureSession(m_ctx);
        connect(m_session.get(), &AzureSession::deviceCode, this, &AzurePanel::showDeviceCode);
        connect(m_session.get(), &AzureSession::signedIn, this, [this](const QString &note) {
            m_signingIn = false;
            m_code->setVisible(false);
            end();
            m_cloudConfigUsed = m_session->cloudConfigFile();
            setMessage(note, false);
            loadSubscriptions();
        });
        connect(m_session.get(), &AzureSession::signInFailed, this, [this](const QString &message) {
            m_signingIn = false;
            m_code->setVisible(false);
            end();
            setMessage(message, true);
        });
        connect(m_session.get(), &AzureSession::progress, this, [this](const QString &status) {
            if (m_creating)
                setMessage(tr("Azure is creating the server (%1); this takes several minutes…").arg(status),
                           false);
        });
    }
    if (m_signingIn)
        return;
    m_signingIn = true;
    begin(tr("Asking Microsoft for a sign-in code…"));
    m_session->signIn();
}

void AzurePanel::cancel()
{
    if (m_session)
        m_session->cancel();
}

void AzurePanel::loadSubscriptions()
{
    begin(tr("Reading subscriptions…"));
    m_session->subscriptions([this](const QList<AzureSubscription> &subs, const QString &error) {
        end();
        if (!error.isEmpty()) {
            setMessage(error, true);
            return;
        }
        m_subscription->clear();
        for (const AzureSubscription &s : subs)
            m_subscription->addItem(tr("%1 (%2)").arg(s.name, s.id), s.id);
        if (subs.isEmpty()) {
            setMessage(tr("The signed-in account sees no enabled subscription. Ask for access to one, or "
                          "sign in with another account."),
                       true);
            return;
        }
        m_subscription->setCurrentIndex(std::max(0, m_subscription->findData(m_ctx.subscriptionId)));
        loadResourceGroups();
    });
}

void AzurePanel::loadResourceGroups()
{
    const QString sub = subscriptionId();
    if (sub.isEmpty() || !m_session)
        return;
    const int generation = ++m_groupsGeneration;
    ++m_serversGeneration; // servers of the old subscription are no longer wanted
    m_resourceGroup->clear();
    fillServers({});
    begin(tr("Reading resource groups…"));
    m_session->resourceGroups(sub, [this, generation](const QStringList &groups, const QString &error) {
        end();
        if (generation != m_groupsGeneration)
            return;
        if (!error.isEmpty()) {
            setMessage(error, true);
            return;
        }
        m_resourceGroup->addItems(groups);
        if (groups.isEmpty()) {
            setMessage(tr("This subscription has no resource group; create one in the Azure portal first."),
                       true);
            return;
        }
        m_resourceGroup->setCurrentIndex(std::max(0, m_resourceGroup->findText(m_ctx.resourceGroup)));
        loadServers();
    });
}

void AzurePanel::fillServers(const QList<AzureServer> &servers)
{
    m_servers = servers;
    m_server->clear();
    for (const AzureServer &s : m_servers)
        m_server->addItem(s.state.isEmpty()
                              ? tr("%1 (PostgreSQL %2, %3)").arg(s.name, s.version, s.location)
                              : tr("%1 (PostgreSQL %2, %3, %4)").arg(s.name, s.version, s.location, s.state));
    int i = -1;
    for (int k = 0; k < m_servers.size(); ++k)
        if (m_servers.at(k).name == m_ctx.serverName)
            i = k;
    m_server->setCurrentIndex(i >= 0 ? i : (m_servers.isEmpty() ? -1 : 0));
    updateActions();
    showNetworkAccess();
}

void AzurePanel::loadServers()
{
    const QString sub = subscriptionId();
    const QString rg = m_resourceGroup->currentText();
    if (sub.isEmpty() || rg.isEmpty() || !m_session)
        return;
    const int generation = ++m_serversGeneration;
    fillServers({});
    begin(tr("Reading flexible servers…"));
    m_session->servers(
        sub, rg, [this, generation, rg](const QList<AzureServer> &servers, const QString &error) {
            end();
            if (generation != m_serversGeneration)
                return;
            if (!error.isEmpty()) {
                setMessage(error, true);
                return;
            }
            fillServers(servers);
            setMessage(servers.isEmpty() ? tr("No flexible server in %1: create one below.").arg(rg)
                                         : tr("%n flexible server(s) in %1. Pick the one to migrate to.",
                                              nullptr, int(servers.size()))
                                               .arg(rg),
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
    spec.location = m_newRegion->currentText().trimmed();
    spec.adminUser = m_newAdmin->text().trimmed();
    spec.subnetId = m_newSubnet->text().trimmed();
    spec.privateDnsZoneId = m_newDnsZone->text().trimmed();
    if (spec.name.isEmpty() || spec.adminUser.isEmpty() || m_newPassword->text().isEmpty()) {
        setMessage(tr("Enter the new server's name, administrator and password."), true);
        return;
    }
    if (!m_session || !m_session->isSignedIn()) {
        setMessage(tr("Sign in to Azure first."), true);
        return;
    }
    const QString rg = m_resourceGroup->currentText();
    m_creating = true;
    begin(tr("Creating %1 in %2; this takes several minutes…").arg(spec.name, spec.location));
    m_session->createServer(
        subscriptionId(), rg, spec, m_newPassword->text(),
        [this](const AzureServer &server, const QString &error) {
            m_creating = false;
            end();
            if (!error.isEmpty()) {
                setMessage(error, true);
                return;
            }
            m_newPassword->clear();
            m_ctx.serverName = server.name;
            QList<AzureServer> servers = m_servers;
            servers.append(server);
            fillServers(servers);
            m_createBox->setChecked(false);
            setMessage(server.privateAccess.isEmpty()
                           ? tr("Created %1. Add a firewall rule for this machine, then test the connection.")
                                 .arg(server.fqdn)
                           : tr("Created %1 with private access only. Test the connection from inside its "
                                "virtual network.")
                                 .arg(server.fqdn),
                       false);
            Q_EMIT serverChosen(server);
            Q_EMIT changed();
        });
}

void AzurePanel::addFirewallRule()
{
    const AzureServer *server = currentServer();
    if (!server || !m_session)
        return;
    m_addingRule = true;
    const QString id = server->resourceId;
    const QString name = server->name;
    auto add = [this, id, name](const QString &address) {
        begin(tr("Adding a firewall rule for %1 on %2…").arg(address, name));
        m_session->addFirewallRule(
            id, address, [this, address, name](const QString &rule, const QString &error) {
                m_addingRule = false;
                end();
                if (!error.isEmpty())
                    setMessage(error, true);
                else
                    setMessage(tr("Firewall rule %1 added: %2 can reach %3.").arg(rule, address, name),
                               false);
            });
    };
    const QString typed = m_address->text().trimmed();
    if (!typed.isEmpty()) {
        add(typed);
        return;
    }
    begin(tr("Finding this machine's public address…"));
    m_session->publicAddress([this, add](const QString &address, const QString &error) {
        end();
        if (!error.isEmpty()) {
            m_addingRule = false;
            updateActions();
            setMessage(error, true);
            return;
        }
        m_address->setText(address);
        add(address);
    });
}

void AzurePanel::loadFrom(const project::Project &p)
{
    m_ctx = p.azure;
    m_cloudConfigUsed.clear();
    m_session.reset(); // another project may use another cloud or tenant
    m_signingIn = m_creating = m_addingRule = false;
    m_pending = 0;
    m_busy->setVisible(false);
    m_code->setVisible(false);
    m_subscription->clear();
    m_resourceGroup->clear();
    if (!p.azure.subscriptionId.isEmpty())
        m_subscription->addItem(p.azure.subscriptionId, p.azure.subscriptionId);
    if (!p.azure.resourceGroup.isEmpty())
        m_resourceGroup->addItem(p.azure.resourceGroup);
    QList<AzureServer> servers;
    if (!p.azure.serverName.isEmpty())
        servers.append(AzureServer{
            p.azure.serverName, p.target.host, p.target.azureResourceId, {}, {}, p.target.user, {}});
    fillServers(servers);
    setMessage(tr("Sign in with a device code: you enter a short code on a Microsoft page in any browser."),
               false);
    updateActions();
}

void AzurePanel::storeTo(project::Project &p) const
{
    p.azure.subscriptionId = subscriptionId();
    p.azure.resourceGroup = m_resourceGroup->currentText();
    if (!m_cloudConfigUsed.isEmpty())
        p.azure.cloudConfigFile = m_cloudConfigUsed;
    if (const AzureServer *s = currentServer()) {
        p.azure.serverName = s->name;
        p.target.azureResourceId = s->resourceId;
    } else {
        p.azure.serverName.clear();
        p.target.azureResourceId.clear();
    }
}

} // namespace pgferry::wizard
