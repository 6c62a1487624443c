// A PostgreSQL connection form (host, port, user, password with "remember in keychain",
// database, SSL mode, CA file) with a Test connection button and its result. Used for the
// source and the target; object names start with the role ("sourceHost", "targetPort", ...).
// The target's form also offers to sign in with Microsoft Entra ID instead of a password.
#pragma once

#include "project/project.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QProgressBar;

namespace pgferry::wizard {

class ConnectionForm : public QWidget
{
    Q_OBJECT
public:
    enum class TestState { Untested, Testing, Ok, Failed };

    // role: object-name prefix; roleTitle: "Source" as a label; roleInSentence: "source" inside a sentence.
    ConnectionForm(const QString &role, const QString &roleTitle, const QString &roleInSentence,
                   QWidget *parent = nullptr);

    project::ConnectionProfile profile() const;
    void setProfile(const project::ConnectionProfile &p);
    QString password() const;
    void setPassword(const QString &pw);
    bool rememberPassword() const;
    void setRememberPassword(bool on);
    // The parameters with the password, for a test connection (none when signing in with Entra ID:
    // the caller attaches the token source).
    pg::ConnInfo connInfo() const;
    // Shows the "Sign-in type: Password / Microsoft Entra ID" choice (hidden by default).
    void setEntraOffered(bool offered);
    bool signsInWithEntra() const;

    // Shows field errors; true when the form can be used to connect.
    bool validate(bool showErrors);
    void setTestState(TestState state, const QString &message = {});
    TestState testState() const { return m_state; }
    QWidget *inputFor(const char *field) const;

Q_SIGNALS:
    void changed(); // any input changed (the previous test no longer applies)
    void testRequested();

private:
    // What the form does not show (passfile, application name…): kept from setProfile for profile().
    project::ConnectionProfile m_unshown;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QFormLayout *m_layout;
    QComboBox *m_auth;
    QLabel *m_entraHint;
    bool m_entraOffered = false;
    QCheckBox *m_remember;
    QLineEdit *m_database;
    QComboBox *m_sslmode;
    QLineEdit *m_caFile;
    QPushButton *m_browse;
    QPushButton *m_test;
    QLabel *m_testIcon;
    QLabel *m_testMessage;
    QProgressBar *m_busy;
    QLabel *m_hostError;
    QLabel *m_userError;
    QLabel *m_caError;
    TestState m_state = TestState::Untested;
};

} // namespace pgferry::wizard
