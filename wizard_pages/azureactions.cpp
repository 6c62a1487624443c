#include "azureactions.h"

#include "icons.h"
#include "migrationwizard.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace pgferry::wizard {

namespace {
QLabel *resultLabel(const char *name)
{
    auto *l = new QLabel;
    l->setObjectName(QString::fromLatin1(name));
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setVisible(false);
    return l;
}

QLabel *learnMore(const QString &url)
{
    auto *l = new QLabel(
        QStringLiteral("<a href='%1'>%2</a>").arg(url, AzureActions::tr("Learn more").toHtmlEscaped()));
    l->setOpenExternalLinks(true);
    l->setTextInteractionFlags(Qt::TextBrowserInteraction);
    return l;
}

QLabel *explanation(const QString &title, const QString &text)
{
    auto *l = new QLabel(QStringLiteral("<b>%1</b> — %2").arg(title.toHtmlEscaped(), text.toHtmlEscaped()));
    l->setWordWrap(true);
    return l;
}
} // namespace

AzureActions::AzureActions(MigrationWizard *wizard, QWidget *parent)
    : QGroupBox(tr("Protect and watch the Azure server"), parent), m_wizard(wizard)
{
    setObjectName(QStringLiteral("azureActions"));
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("azureActionsNote"));
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);
    m_code = new QLabel;
    m_code->setObjectName(QStringLiteral("azureActionsDeviceCode"));
    m_code->setWordWrap(true);
    m_code->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_code->setOpenExternalLinks(true);
    m_code->setVisible(false);
    m_busy = new QProgressBar;
    m_busy->setObjectName(QStringLiteral("azureActionsBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);

    m_email = new QLineEdit;
    m_email->setObjectName(QStringLiteral("azureAlertEmail"));
    m_email->setAccessibleName(tr("E-mail address for the alerts"));
    m_email->setPlaceholderText(tr("e-mail address, e.g. dba@contoso.com"));
    row(Action::Alerts).button = new QPushButton(tr("Create &alerts"));
    row(Action::Alerts).button->setObjectName(QStringLiteral("azureCreateAlerts"));
    row(Action::Alerts)
        .button->setToolTip(tr(
            "Azure Monitor alert rules on the server (CPU, memory, storage, connections, availability, and "
            "lag where it applies) that e-mail this address through the action group pgferry-SERVER-alerts, "
            "as pgferry-cli azure alerts does. Running it again updates the same rules."));
    row(Action::Alerts).result = resultLabel("azureAlertsResult");

    row(Action::Lock).button = new QPushButton(tr("Add a delete &lock"));
    row(Action::Lock).button->setObjectName(QStringLiteral("azureDeleteLock"));
    row(Action::Lock)
        .button->setToolTip(tr(
            "A CanNotDelete management lock (pgferry-do-not-delete) on the server, as pgferry-cli azure lock "
            "does."));
    row(Action::Lock).result = resultLabel("azureLockResult");

    m_replicaName = new QLineEdit;
    m_replicaName->setObjectName(QStringLiteral("azureReplicaName"));
    m_replicaName->setAccessibleName(tr("Name of the read replica"));
    m_replicaName->setPlaceholderText(tr("replica name"));
    m_replicaRegion = new QComboBox;
    m_replicaRegion->setObjectName(QStringLiteral("azureReplicaRegion"));
    m_replicaRegion->setAccessibleName(tr("Region of the read replica"));
    m_replicaRegion->setEditable(true);
    m_replicaRegion->addItems({QStringLiteral("northeurope"), QStringLiteral("westeurope"),
                               QStringLiteral("germanywestcentral"), QStringLiteral("eastus"),
                               QStringLiteral("eastus2"), QStringLiteral("westus2"),
                               QStringLiteral("uksouth")});
    row(Action::Replica).button = new QPushButton(tr("Create read &replica"));
    row(Action::Replica).button->setObjectName(QStringLiteral("azureCreateReplica"));
    row(Action::Replica)
        .button->setToolTip(
            tr("A read replica of the server in the region chosen, in the server's resource group, as "
               "pgferry-cli azure replica does. Azure takes several minutes."));
    row(Action::Replica).result = resultLabel("azureReplicaResult");

    auto *grid = new QGridLayout;
    grid->setColumnStretch(0, 1);
    int r = 0;
    auto addRow = [&](Action a, QLabel *text, QList<QWidget *> inputs, QLabel *link) {
        grid->addWidget(text, r, 0);
        auto *h = new QHBoxLayout;
        for (QWidget *w : inputs)
            h->addWidget(w);
        grid->addLayout(h, r, 1);
        grid->addWidget(row(a).button, r, 2);
        grid->addWidget(link, r, 3);
        grid->addWidget(row(a).result, r + 1, 0, 1, 4);
        r += 2;
    };
    addRow(Action::Alerts,
           explanation(tr("Alerts"), tr("be told by e-mail when the server runs short or goes down.")),
           {m_email},
           learnMore(QStringLiteral(
               "https://learn.microsoft.com/azure/postgresql/flexible-server/howto-alert-on-metrics")));
    addRow(Action::Lock,
           explanation(tr("Delete lock"), tr("protect the new server from being deleted by mistake.")), {},
           learnMore(QStringLiteral(
               "https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources")));
    addRow(Action::Replica,
           explanation(tr("Read replica"), tr("offload reads and prepare for regional failover.")),
           {m_replicaName, m_replicaRegion},
           learnMore(QStringLiteral(
               "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-read-replicas")));

    auto *status = new QHBoxLayout;
    status->addWidget(m_note, 1);
    status->addWidget(m_busy);
    auto *v = new QVBoxLayout(this);
    v->addLayout(grid);
    v->addWidget(m_code);
    v->addLayout(status);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    for (Action a : {Action::Alerts, Action::Lock, Action::Replica})
        connect(row(a).button, &QPushButton::clicked, this, [this, a] { start(a); });
    connect(m_email, &QLineEdit::textChanged, this, &AzureActions::updateActions);
    connect(m_replicaName, &QLineEdit::textChanged, this, &AzureActions::updateActions);
    updateActions();
}

AzureActions::~AzureActions() = default;

void AzureActions::setProject(const project::Project &p, bool fallback)
{
    m_fallback = fallback;
    if (m_running)
        return; // the running action keeps its server and session
    QString id = p.target.azureResourceId;
    if (id.isEmpty() && !p.azure.subscriptionId.isEmpty() && !p.azure.resourceGroup.isEmpty() &&
        !p.azure.serverName.isEmpty())
        id = QStringLiteral(
                 "/subscriptions/%1/resourceGroups/%2/providers/Microsoft.DBforPostgreSQL/flexibleServers/%3")
                 .arg(p.azure.subscriptionId, p.azure.resourceGroup, p.azure.serverName);
    if (!(p.azure == m_ctx) || id != m_serverId) {
        m_session.reset();
        m_ctx = p.azure;
        m_serverId = id;
        m_serverName = id.section(u'/', -1);
        for (Action a : {Action::Alerts, Action::Lock, Action::Replica})
            setResult(a, {}, false);
        m_replicaName->setText(m_serverName.isEmpty() ? QString()
                                                      : m_serverName + QStringLiteral("-replica"));
    }
    m_note->setText(
        m_serverId.isEmpty()
            ? tr("The project names no Azure flexible server, so these actions cannot run. Pick "
                 "the server on the Target page.")
            : tr("On server %1. Each action signs in to Azure first if needed.").arg(m_serverName));
    updateActions();
}

QString AzureActions::result(Action a) const
{
    return row(a).result->text();
}

bool AzureActions::resultIsError(Action a) const
{
    return row(a).error;
}

QString AzureActions::runningText(Action a) const
{
    switch (a) {
    case Action::Alerts:
        return tr("Creating the action group and the alert rules on %1…").arg(m_serverName);
    case Action::Lock:
        return tr("Adding the delete lock on %1…").arg(m_serverName);
    case Action::Replica:
        return tr("Creating the read replica %1 in %2; Azure takes several minutes…")
            .arg(m_replicaName->text().trimmed(), m_replicaRegion->currentText().trimmed());
    }
    return {};
}

void AzureActions::start(Action a)
{
    if (m_running || m_serverId.isEmpty())
        return;
    m_running = a;
    setResult(a, runningText(a), false);
    updateActions();
    if (!m_session) {
        m_session = m_wizard->services()->createAzureSession(m_ctx);
        connect(m_session.get(), &AzureSession::deviceCode, this, [this](const AzureDeviceCode &code) {
            m_code->setText(tr("To sign in to Azure, open <a href=\"%1\">%1</a> in a browser and enter the "
                               "code <b>%2</b>")
                                .arg(code.verificationUri.toHtmlEscaped(), code.userCode.toHtmlEscaped()));
            m_code->setAccessibleName(tr("To sign in to Azure, open %1 in a browser and enter the code %2")
                                          .arg(code.verificationUri, code.userCode));
            m_code->setVisible(true);
        });
        connect(m_session.get(), &AzureSession::signedIn, this, [this] {
            m_code->setVisible(false);
            if (m_running)
                dispatch(*m_running);
        });
        connect(m_session.get(), &AzureSession::signInFailed, this, [this](const QString &message) {
            m_code->setVisible(false);
            if (m_running)
                finish(*m_running, message, true);
        });
        connect(m_session.get(), &AzureSession::progress, this, [this](const QString &status) {
            if (m_running)
                setResult(*m_running, tr("%1 (%2)").arg(runningText(*m_running), status), false);
        });
    }
    if (m_session->isSignedIn())
        dispatch(a);
    else
        m_session->signIn();
}

void AzureActions::dispatch(Action a)
{
    switch (a) {
    case Action::Alerts: {
        const QString email = m_email->text().trimmed();
        m_session->createAlerts(m_serverId, email, m_fallback,
                                [this, email](const AzureAlerts &alerts, const QString &error) {
                                    if (!error.isEmpty()) {
                                        finish(Action::Alerts, error, true);
                                        return;
                                    }
                                    finish(Action::Alerts,
                                           tr("Alert rules on %1: %2. They e-mail %3 through the action "
                                              "group %4.")
                                               .arg(m_serverName, alerts.rules.join(QStringLiteral(", ")),
                                                    email, alerts.actionGroup),
                                           false);
                                });
        return;
    }
    case Action::Lock:
        m_session->addDeleteLock(m_serverId, [this](const QString &lock, const QString &error) {
            if (!error.isEmpty()) {
                finish(Action::Lock, error, true);
                return;
            }
            finish(Action::Lock,
                   tr("The lock %1 (CanNotDelete) protects %2 from deletion; remove the lock in the Azure "
                      "portal before deleting the server.")
                       .arg(lock, m_serverName),
                   false);
        });
        return;
    case Action::Replica: {
        const QString name = m_replicaName->text().trimmed();
        const QString region = m_replicaRegion->currentText().trimmed();
        m_session->createReadReplica(
            m_serverId, name, region, [this, name, region](const AzureServer &replica, const QString &error) {
                if (!error.isEmpty()) {
                    finish(Action::Replica, error, true);
                    return;
                }
                finish(Action::Replica,
                       tr("The read replica %1 of %2 is %3 in %4 (%5).")
                           .arg(replica.name.isEmpty() ? name : replica.name, m_serverName,
                                replica.state.isEmpty() ? tr("created") : replica.state,
                                replica.location.isEmpty() ? region : replica.location,
                                replica.fqdn.isEmpty() ? replica.resourceId : replica.fqdn),
                       false);
            });
        return;
    }
    }
}

void AzureActions::finish(Action a, const QString &message, bool error)
{
    m_running.reset();
    setResult(a, message, error);
    updateActions();
}

void AzureActions::setResult(Action a, const QString &message, bool error)
{
    Row &r = row(a);
    r.error = error;
    r.result->setText(message);
    r.result->setAccessibleDescription(message);
    r.result->setVisible(!message.isEmpty());
    QPalette pal = palette();
    if (error)
        pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
    r.result->setPalette(pal);
}

void AzureActions::updateActions()
{
    const bool can = !m_running && !m_serverId.isEmpty();
    row(Action::Alerts).button->setEnabled(can && !m_email->text().trimmed().isEmpty());
    row(Action::Lock).button->setEnabled(can);
    row(Action::Replica).button->setEnabled(can && !m_replicaName->text().trimmed().isEmpty());
    m_busy->setVisible(m_running.has_value());
}

} // namespace pgferry::wizard
