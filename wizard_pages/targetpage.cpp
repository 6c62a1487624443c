#include "targetpage.h"

#include "assessmentview.h"
#include "azurepanel.h"
#include "backgroundtask.h"
#include "connectionform.h"
#include "icons.h"
#include "migrationwizard.h"
#include "pg/version.h"

#include <QButtonGroup>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

namespace pgferry::wizard {

TargetPage::TargetPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Target server"));
    setSubTitle(tr("Choose where the databases go: Azure Database for PostgreSQL flexible server, or any "
                   "PostgreSQL of the same or a newer major version."));
    m_plain = new QRadioButton(tr("PostgreS&QL server"));
    m_plain->setObjectName(QStringLiteral("targetKindPlain"));
    m_plain->setAccessibleName(tr("Target is a PostgreSQL server"));
    m_flexible = new QRadioButton(tr("Azure Database for PostgreSQL fle&xible server"));
    m_flexible->setObjectName(QStringLiteral("targetKindAzure"));
    m_flexible->setAccessibleName(tr("Target is an Azure flexible server"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_plain);
    group->addButton(m_flexible);
    m_kindError = makeErrorLabel(QStringLiteral("targetKindError"));

    m_azure = new AzurePanel(wizard);
    m_azureBox = new QGroupBox(tr("Azure"));
    auto *az = new QVBoxLayout(m_azureBox);
    az->addWidget(m_azure);
    m_form = new ConnectionForm(QStringLiteral("target"), tr("Target"), tr("target"));
    m_form->setEntraOffered(true);
    auto *connBox = new QGroupBox(tr("Connection"));
    auto *cb = new QVBoxLayout(connBox);
    cb->addWidget(m_form);
    m_assessSummary = new QLabel;
    m_assessSummary->setObjectName(QStringLiteral("targetAssessmentSummary"));
    m_assessSummary->setWordWrap(true);

    auto *kind = new QHBoxLayout;
    kind->addWidget(m_plain);
    kind->addWidget(m_flexible);
    kind->addStretch();
    auto *v = new QVBoxLayout(this);
    v->addLayout(kind);
    v->addWidget(m_kindError);
    v->addWidget(m_azureBox);
    v->addWidget(connBox);
    v->addWidget(m_assessSummary);
    v->addStretch();

    watch(m_plain);
    connect(m_plain, &QRadioButton::toggled, this, &TargetPage::updateKind);
    connect(m_azure, &AzurePanel::changed, this, [this] {
        m_entraSource.reset(); // another cloud or tenant signs in another way
        if (!loading())
            Q_EMIT edited();
    });
    connect(m_azure, &AzurePanel::serverChosen, this, [this](const AzureServer &s) {
        // Azure's own rules: TLS with the host name checked (DESIGN, issue 10), port 5432, and the
        // server's administrator until the user picks another login.
        project::ConnectionProfile p = m_form->profile();
        p.host = s.fqdn;
        p.port = 5432;
        if (!s.administratorLogin.isEmpty())
            p.user = s.administratorLogin;
        if (p.database.isEmpty())
            p.database = QStringLiteral("postgres");
        p.sslmode = QStringLiteral("verify-full");
        m_form->setProfile(p);
    });
    connect(m_form, &ConnectionForm::changed, this, [this] {
        ++m_generation;
        m_entraSource.reset(); // another user, server or sign-in type: another source
        if (!loading())
            Q_EMIT edited();
        Q_EMIT completeChanged();
    });
    connect(m_form, &ConnectionForm::testRequested, this, &TargetPage::test);
    auto showAssessment = [this] {
        const AssessmentResult &r = mw()->assessment();
        if (mw()->assessmentRunning()) {
            m_assessSummary->setText(tr("Assessing source and target…"));
            return;
        }
        if (!r.ran) {
            m_assessSummary->clear();
            return;
        }
        const Severity w = r.worst();
        m_assessSummary->setText(
            (w == Severity::Blocker
                 ? tr("The assessment found %n blocker(s); see the Source page for what to do.", nullptr,
                      r.count(Severity::Blocker))
                 : tr("The assessment passed (%n warning(s)).", nullptr, r.count(Severity::Warning))));
        QPalette pal = m_assessSummary->palette();
        pal.setColor(QPalette::WindowText,
                     w == Severity::Blocker ? severityColor(w) : palette().color(QPalette::WindowText));
        m_assessSummary->setPalette(pal);
    };
    connect(wizard, &MigrationWizard::assessmentStarted, this, showAssessment);
    connect(wizard, &MigrationWizard::assessmentChanged, this, showAssessment);
}

QString TargetPage::engineError() const
{
    project::Project p;
    mw()->pageAt(MigrationWizard::ProjectPage)->storeTo(p);
    if (p.engine == project::Engine::Azure && !m_flexible->isChecked())
        return tr("Azure's migration service only migrates to a flexible server. Choose a flexible server, "
                  "or run on this machine (Project page).");
    return {};
}

void TargetPage::initializePage()
{
    setError(m_kindError, engineError());
}

void TargetPage::updateKind()
{
    m_azureBox->setVisible(m_flexible->isChecked());
    setError(m_kindError, engineError());
}

void TargetPage::test()
{
    const int generation = ++m_generation;
    m_form->setTestState(ConnectionForm::TestState::Testing,
                         tr("Connecting to %1…").arg(m_form->profile().host));
    Q_EMIT completeChanged();
    pg::ConnInfo ci = m_form->connInfo();
    ci.passwordSource = entraSource();
    runInBackground(
        this, [services = mw()->services(), ci] { return services->testConnection(ci); },
        [this, generation](const ConnectionCheck &check) {
            if (generation != m_generation)
                return;
            if (check.ok) {
                const int srcVersion = mw()->sourceCheck().inventory.serverVersion;
                QString text = tr("Connected: PostgreSQL %1.").arg(check.inventory.versionText);
                if (srcVersion > 0 && pg::majorKey(check.inventory.serverVersion) < pg::majorKey(srcVersion))
                    text += QLatin1Char(' ') + tr("Older than the source (%1): the migration needs the same "
                                                  "or a newer major version.")
                                                   .arg(mw()->sourceCheck().inventory.versionText);
                m_form->setTestState(ConnectionForm::TestState::Ok, text);
                mw()->setTargetCheck(check);
                mw()->runAssessment();
            } else {
                m_form->setTestState(ConnectionForm::TestState::Failed, check.message);
            }
            Q_EMIT completeChanged();
        });
}

void TargetPage::loadFrom(const project::Project &p)
{
    const bool azure = !p.target.azureResourceId.isEmpty() || !p.azure.serverName.isEmpty() ||
                       p.engine == project::Engine::Azure ||
                       p.target.host.endsWith(u".postgres.database.azure.com");
    (azure ? m_flexible : m_plain)->setChecked(true);
    m_azure->loadFrom(p);
    m_form->setProfile(p.target);
    const QString pw = p.target.host.isEmpty() || p.target.auth == project::Auth::Entra
                           ? QString()
                           : mw()->services()->storedPassword(p, Role::Target);
    m_form->setPassword(pw);
    m_form->setRememberPassword(!pw.isEmpty());
    updateKind();
}

void TargetPage::storeTo(project::Project &p) const
{
    const project::ConnectionProfile f = m_form->profile();
    p.target.host = f.host;
    p.target.port = f.port;
    p.target.user = f.user;
    p.target.database = f.database;
    p.target.sslmode = f.sslmode;
    p.target.sslrootcert = f.sslrootcert;
    p.target.auth = f.auth;
    if (m_flexible->isChecked()) {
        m_azure->storeTo(p);
    } else {
        p.target.azureResourceId.clear();
    }
}

std::shared_ptr<pg::PasswordSource> TargetPage::entraSource() const
{
    if (!m_form->signsInWithEntra())
        return nullptr;
    if (!m_entraSource) {
        project::Project p = mw()->project();
        storeTo(p);
        m_entraSource = mw()->services()->entraTokenSource(p);
    }
    return m_entraSource;
}

void TargetPage::fillCredentials(Credentials &c) const
{
    c.targetPasswordSource = entraSource();
    c.targetPassword = m_form->password();
    c.rememberTarget = m_form->rememberPassword();
}

bool TargetPage::isComplete() const
{
    return m_form->testState() == ConnectionForm::TestState::Ok && engineError().isEmpty();
}

bool TargetPage::validatePage()
{
    if (m_form->rememberPassword() && !m_form->password().isEmpty()) {
        QString error;
        if (!mw()->services()->storePassword(mw()->project(), Role::Target, m_form->password(), &error))
            m_form->setTestState(
                ConnectionForm::TestState::Ok,
                tr("Connected, but the password could not be saved in the keychain: %1").arg(error));
    }
    return true;
}

} // namespace pgferry::wizard
