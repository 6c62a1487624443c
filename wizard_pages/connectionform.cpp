#include "connectionform.h"

#include "icons.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>

namespace pgferry::wizard {

namespace {

QLabel *errorLabel(const QString &name)
{
    auto *l = new QLabel;
    l->setObjectName(name);
    l->setWordWrap(true);
    QPalette pal = l->palette();
    pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
    l->setPalette(pal);
    l->setVisible(false);
    return l;
}

void showError(QLabel *l, const QString &text)
{
    l->setText(text);
    l->setVisible(!text.isEmpty());
}

QWidget *withError(QWidget *input, QLabel *error)
{
    auto *w = new QWidget;
    auto *v = new QVBoxLayout(w);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    v->addWidget(input);
    v->addWidget(error);
    return w;
}

} // namespace

ConnectionForm::ConnectionForm(const QString &role, const QString &roleTitle, const QString &roleInSentence,
                               QWidget *parent)
    : QWidget(parent)
{
    setObjectName(role + QStringLiteral("ConnectionForm"));
    auto named = [&](QWidget *w, const char *field, const QString &accessible) {
        w->setObjectName(role + QString::fromLatin1(field));
        w->setAccessibleName(accessible);
        return w;
    };
    m_host = new QLineEdit;
    named(m_host, "Host", tr("%1 host").arg(roleTitle));
    m_host->setPlaceholderText(tr("server.example.com or 10.0.0.5"));
    m_port = new QSpinBox;
    named(m_port, "Port", tr("%1 port").arg(roleTitle));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_user = new QLineEdit;
    named(m_user, "User", tr("%1 user").arg(roleTitle));
    m_user->setPlaceholderText(tr("a role with the REPLICATION attribute, or a superuser"));
    m_password = new QLineEdit;
    named(m_password, "Password", tr("%1 password").arg(roleTitle));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("empty: use ~/.pgpass or the keychain"));
    m_auth = new QComboBox;
    named(m_auth, "Auth", tr("How to sign in to the %1").arg(roleInSentence));
    m_auth->addItem(tr("Password"), QStringLiteral("password"));
    m_auth->addItem(tr("Microsoft Entra ID"), QStringLiteral("entra"));
    m_entraHint =
        new QLabel(tr("The user is the Microsoft Entra ID principal's name, exactly as its role is "
                      "spelled (e.g. migrator@contoso.onmicrosoft.com). The password is an access "
                      "token from your Azure sign-in (AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                      "AZURE_CLIENT_SECRET, or pgferry-cli azure login), fetched for every connection "
                      "and never stored."));
    m_entraHint->setObjectName(role + QStringLiteral("EntraHint"));
    m_entraHint->setWordWrap(true);
    m_entraHint->setVisible(false);
    m_remember = new QCheckBox(tr("Remember in the &keychain"));
    named(m_remember, "RememberPassword", tr("Remember the %1 password in the keychain").arg(roleInSentence));
    m_database = new QLineEdit;
    named(m_database, "Database", tr("%1 maintenance database").arg(roleTitle));
    m_database->setPlaceholderText(QStringLiteral("postgres"));
    m_sslmode = new QComboBox;
    named(m_sslmode, "SslMode", tr("%1 SSL mode").arg(roleTitle));
    m_sslmode->addItem(tr("prefer (TLS when the server offers it)"), QString());
    m_sslmode->addItem(tr("disable (no TLS)"), QStringLiteral("disable"));
    m_sslmode->addItem(tr("require (TLS, no certificate check)"), QStringLiteral("require"));
    m_sslmode->addItem(tr("verify-ca (TLS, check the CA)"), QStringLiteral("verify-ca"));
    m_sslmode->addItem(tr("verify-full (TLS, check CA and host name)"), QStringLiteral("verify-full"));
    m_caFile = new QLineEdit;
    named(m_caFile, "CaFile", tr("%1 CA certificate file").arg(roleTitle));
    m_caFile->setPlaceholderText(tr("system certificates"));
    m_browse = new QPushButton(tr("Browse…"));
    named(m_browse, "CaBrowse", tr("Choose the %1 CA certificate file").arg(roleInSentence));
    m_test = new QPushButton(tr("&Test connection"));
    named(m_test, "TestConnection", tr("Test the %1 connection").arg(roleInSentence));
    m_test->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_testIcon = new QLabel;
    m_testIcon->setObjectName(role + QStringLiteral("TestIcon"));
    m_testMessage = new QLabel;
    m_testMessage->setObjectName(role + QStringLiteral("TestMessage"));
    m_testMessage->setWordWrap(true);
    m_testMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy = new QProgressBar;
    m_busy->setObjectName(role + QStringLiteral("TestBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_hostError = errorLabel(role + QStringLiteral("HostError"));
    m_userError = errorLabel(role + QStringLiteral("UserError"));
    m_caError = errorLabel(role + QStringLiteral("CaFileError"));

    auto *form = new QFormLayout;
    m_layout = form;
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    auto *hostRow = new QHBoxLayout;
    hostRow->addWidget(m_host, 1);
    auto *portLabel = new QLabel(tr("&Port:"));
    portLabel->setBuddy(m_port);
    hostRow->addWidget(portLabel);
    hostRow->addWidget(m_port);
    auto *hostBox = new QWidget;
    auto *hostV = new QVBoxLayout(hostBox);
    hostV->setContentsMargins(0, 0, 0, 0);
    hostV->setSpacing(2);
    hostV->addLayout(hostRow);
    hostV->addWidget(m_hostError);
    form->addRow(tr("H&ost:"), hostBox);
    form->addRow(tr("&User:"), withError(m_user, m_userError));
    auto *authBox = new QWidget;
    auto *authV = new QVBoxLayout(authBox);
    authV->setContentsMargins(0, 0, 0, 0);
    authV->setSpacing(2);
    authV->addWidget(m_auth);
    authV->addWidget(m_entraHint);
    form->addRow(tr("Sign-in t&ype:"), authBox);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(authBox)))
        l->setBuddy(m_auth);
    form->setRowVisible(authBox, false);
    auto *pwRow = new QHBoxLayout;
    pwRow->addWidget(m_password, 1);
    pwRow->addWidget(m_remember);
    form->addRow(tr("Pass&word:"), pwRow);
    form->addRow(tr("&Database:"), m_database);
    form->addRow(tr("&SSL mode:"), m_sslmode);
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(m_browse);
    auto *caBox = new QWidget;
    auto *caV = new QVBoxLayout(caBox);
    caV->setContentsMargins(0, 0, 0, 0);
    caV->setSpacing(2);
    caV->addLayout(caRow);
    caV->addWidget(m_caError);
    form->addRow(tr("&CA file:"), caBox);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(hostBox)))
        l->setBuddy(m_host);
    // The user field sits in a box with its error line; the label leads to the field itself.
    for (int row = 0; row < form->rowCount(); ++row)
        if (auto *l = qobject_cast<QLabel *>(form->itemAt(row, QFormLayout::LabelRole)
                                                 ? form->itemAt(row, QFormLayout::LabelRole)->widget()
                                                 : nullptr);
            l && l->buddy() && l->buddy()->isAncestorOf(m_user))
            l->setBuddy(m_user);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(pwRow)))
        l->setBuddy(m_password);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(caBox)))
        l->setBuddy(m_caFile);

    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_busy);
    testRow->addWidget(m_testIcon);
    testRow->addWidget(m_testMessage, 1);

    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(form);
    v->addLayout(testRow);

    for (QLineEdit *e : {m_host, m_user, m_password, m_database, m_caFile})
        connect(e, &QLineEdit::textChanged, this, &ConnectionForm::changed);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionForm::changed);
    connect(m_sslmode, &QComboBox::currentIndexChanged, this, &ConnectionForm::changed);
    connect(m_remember, &QCheckBox::toggled, this, &ConnectionForm::changed);
    connect(m_auth, &QComboBox::currentIndexChanged, this, [this] {
        const bool entra = signsInWithEntra();
        m_password->setEnabled(!entra);
        m_remember->setEnabled(!entra);
        m_entraHint->setVisible(entra);
        Q_EMIT changed();
    });
    connect(this, &ConnectionForm::changed, this, [this] {
        if (m_state == TestState::Ok || m_state == TestState::Failed)
            setTestState(TestState::Untested);
        if (m_hostError->isVisible() || m_userError->isVisible() || m_caError->isVisible())
            validate(true);
    });
    connect(m_test, &QPushButton::clicked, this, [this] {
        if (validate(true))
            Q_EMIT testRequested();
    });
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("CA certificate"), m_caFile->text(),
                                                       tr("Certificates (*.pem *.crt *.cer);;All files (*)"));
        if (!f.isEmpty())
            m_caFile->setText(f);
    });
}

project::ConnectionProfile ConnectionForm::profile() const
{
    project::ConnectionProfile p =
        m_unshown; // a project's passfile still finds the password (the sandbox's does)
    p.host = m_host->text().trimmed();
    p.port = m_port->value();
    p.user = m_user->text().trimmed();
    p.database =
        m_database->text().trimmed().isEmpty() ? QStringLiteral("postgres") : m_database->text().trimmed();
    p.sslmode = m_sslmode->currentData().toString();
    p.sslrootcert = m_caFile->text().trimmed();
    p.auth = signsInWithEntra() ? project::Auth::Entra : project::Auth::Password;
    return p;
}

void ConnectionForm::setProfile(const project::ConnectionProfile &p)
{
    m_unshown = p;
    m_host->setText(p.host);
    m_port->setValue(p.port > 0 ? p.port : 5432);
    m_user->setText(p.user);
    m_database->setText(p.database == u"postgres" ? QString() : p.database);
    int i = m_sslmode->findData(p.sslmode);
    m_sslmode->setCurrentIndex(i < 0 ? 0 : i);
    m_caFile->setText(p.sslrootcert);
    m_auth->setCurrentIndex(m_entraOffered && p.auth == project::Auth::Entra ? 1 : 0);
    setTestState(TestState::Untested);
}

QString ConnectionForm::password() const
{
    return signsInWithEntra() ? QString() : m_password->text();
}
void ConnectionForm::setPassword(const QString &pw)
{
    m_password->setText(pw);
}
bool ConnectionForm::rememberPassword() const
{
    return !signsInWithEntra() && m_remember->isChecked();
}

void ConnectionForm::setEntraOffered(bool offered)
{
    m_entraOffered = offered;
    m_layout->setRowVisible(m_auth->parentWidget(), offered);
    if (!offered)
        m_auth->setCurrentIndex(0);
}

bool ConnectionForm::signsInWithEntra() const
{
    return m_entraOffered && m_auth->currentData().toString() == u"entra";
}
void ConnectionForm::setRememberPassword(bool on)
{
    m_remember->setChecked(on);
}

pg::ConnInfo ConnectionForm::connInfo() const
{
    pg::ConnInfo ci = profile().connInfo();
    ci.password = password();
    return ci;
}

QWidget *ConnectionForm::inputFor(const char *field) const
{
    return findChild<QWidget *>(objectName().chopped(int(qstrlen("ConnectionForm"))) +
                                QString::fromLatin1(field));
}

bool ConnectionForm::validate(bool showErrors)
{
    const QString host = m_host->text().trimmed();
    QString hostError;
    if (host.isEmpty())
        hostError = tr("Enter the server's host name or IP address.");
    else if (host.contains(QLatin1Char(' ')))
        hostError = tr("A host name cannot contain spaces.");
    const QString userError =
        m_user->text().trimmed().isEmpty() ? tr("Enter the user to connect as.") : QString();
    QString caError;
    const QString mode = m_sslmode->currentData().toString();
    const QString ca = m_caFile->text().trimmed();
    if (!ca.isEmpty() && !QFileInfo(ca).isReadable())
        caError = tr("The CA file %1 cannot be read. Choose an existing PEM file.").arg(ca);
    else if (mode == u"disable" && !ca.isEmpty())
        caError = tr("A CA file has no effect with SSL disabled. Choose verify-ca or verify-full.");
    if (showErrors) {
        showError(m_hostError, hostError);
        showError(m_userError, userError);
        showError(m_caError, caError);
    }
    return hostError.isEmpty() && userError.isEmpty() && caError.isEmpty();
}

void ConnectionForm::setTestState(TestState state, const QString &message)
{
    m_state = state;
    m_busy->setVisible(state == TestState::Testing);
    m_test->setEnabled(state != TestState::Testing);
    switch (state) {
    case TestState::Untested:
        m_testIcon->clear();
        m_testMessage->setText(message);
        break;
    case TestState::Testing:
        m_testIcon->clear();
        m_testMessage->setText(message.isEmpty() ? tr("Connecting…") : message);
        break;
    case TestState::Ok:
        m_testIcon->setPixmap(
            severityIcon(Severity::Pass).pixmap(QSize(16, 16), m_testIcon->devicePixelRatioF()));
        m_testMessage->setText(message);
        break;
    case TestState::Failed:
        m_testIcon->setPixmap(
            severityIcon(Severity::Blocker).pixmap(QSize(16, 16), m_testIcon->devicePixelRatioF()));
        m_testMessage->setText(message);
        break;
    }
}

} // namespace pgferry::wizard
