#include "sourcepage.h"

#include "assessmentview.h"
#include "backgroundtask.h"
#include "connectionform.h"
#include "migrationwizard.h"

#include <QGroupBox>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace pgferry::wizard {

SourcePage::SourcePage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Source server"));
    setSubTitle(tr("Connect to the PostgreSQL server to migrate from. pgferry checks it against every "
                   "prerequisite of an online migration."));
    m_form = new ConnectionForm(QStringLiteral("source"), tr("Source"), tr("source"));
    m_assessment = new AssessmentView(QStringLiteral("source"));
    // Exported files are named after the project: "orders-assessment.html".
    m_assessment->setFileHooks(
        [this](const QString &title, const QString &suggestedName, const QString &filter) {
            QString name = mw()->project().name.trimmed();
            name.replace(QRegularExpression(QStringLiteral(R"([/\\:*?"<>|]+)")), QStringLiteral("-"));
            return mw()->askSavePath(title, name.isEmpty() ? suggestedName : name + u'-' + suggestedName,
                                     filter);
        },
        [this](const QString &path, const QString &content, QString *error) {
            return mw()->services()->saveTextFile(path, content, error);
        });
    auto *connBox = new QGroupBox(tr("Connection"));
    auto *cb = new QVBoxLayout(connBox);
    cb->addWidget(m_form);
    auto *assessBox = new QGroupBox(tr("Assessment"));
    auto *ab = new QVBoxLayout(assessBox);
    ab->addWidget(m_assessment);
    auto *v = new QVBoxLayout(this);
    v->addWidget(connBox);
    v->addWidget(assessBox, 1);

    connect(m_form, &ConnectionForm::changed, this, [this] {
        ++m_generation; // a test still running answers for old parameters
        if (!loading())
            Q_EMIT edited();
        Q_EMIT completeChanged();
    });
    connect(m_form, &ConnectionForm::testRequested, this, &SourcePage::test);
    connect(wizard, &MigrationWizard::assessmentStarted, this, [this] { m_assessment->setRunning(true); });
    connect(wizard, &MigrationWizard::assessmentChanged, this,
            [this] { m_assessment->setResult(mw()->assessment()); });
}

void SourcePage::test()
{
    const int generation = ++m_generation;
    m_form->setTestState(ConnectionForm::TestState::Testing,
                         tr("Connecting to %1…").arg(m_form->profile().host));
    Q_EMIT completeChanged();
    runInBackground(
        this, [services = mw()->services(), ci = m_form->connInfo()] { return services->testConnection(ci); },
        [this, generation](const ConnectionCheck &check) {
            if (generation != m_generation)
                return;
            if (check.ok) {
                m_form->setTestState(ConnectionForm::TestState::Ok,
                                     tr("Connected: PostgreSQL %1, %n database(s), wal_level %2.", nullptr,
                                        int(check.inventory.databases.size()))
                                         .arg(check.inventory.versionText, check.inventory.walLevel));
                mw()->setSourceCheck(check);
                mw()->runAssessment();
            } else {
                m_form->setTestState(ConnectionForm::TestState::Failed, check.message);
            }
            Q_EMIT completeChanged();
        });
}

void SourcePage::loadFrom(const project::Project &p)
{
    m_form->setProfile(p.source);
    const QString pw =
        p.source.host.isEmpty() ? QString() : mw()->services()->storedPassword(p, Role::Source);
    m_form->setPassword(pw);
    m_form->setRememberPassword(!pw.isEmpty());
    m_assessment->setResult({});
}

void SourcePage::storeTo(project::Project &p) const
{
    const project::ConnectionProfile f = m_form->profile();
    p.source.host = f.host;
    p.source.port = f.port;
    p.source.user = f.user;
    p.source.database = f.database;
    p.source.sslmode = f.sslmode;
    p.source.sslrootcert = f.sslrootcert;
}

void SourcePage::fillCredentials(Credentials &c) const
{
    c.sourcePassword = m_form->password();
    c.rememberSource = m_form->rememberPassword();
}

bool SourcePage::isComplete() const
{
    return m_form->testState() == ConnectionForm::TestState::Ok;
}

bool SourcePage::validatePage()
{
    if (m_form->rememberPassword() && !m_form->password().isEmpty()) {
        QString error;
        if (!mw()->services()->storePassword(mw()->project(), Role::Source, m_form->password(), &error))
            m_form->setTestState(
                ConnectionForm::TestState::Ok,
                tr("Connected, but the password could not be saved in the keychain: %1").arg(error));
    }
    return true;
}

} // namespace pgferry::wizard
