// The Done page's actions on a new Azure flexible server, as `pgferry-cli azure alerts|lock|replica`
// do them: alert rules that e-mail an address, a delete lock, a read replica. A view over an
// AzureSession of its own, signed in when an action first needs it (a kept sign-in, AZURE_*, or a
// device code shown here). One action runs at a time, in the background, with its progress; then
// its line says what Azure now has, or what Azure refused and what to do.
#pragma once

#include "azuresession.h"
#include "project/project.h"

#include <QGroupBox>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace pgferry::wizard {

class MigrationWizard;

class AzureActions : public QGroupBox
{
    Q_OBJECT
public:
    enum class Action { Alerts, Lock, Replica };

    explicit AzureActions(MigrationWizard *wizard, QWidget *parent = nullptr);
    ~AzureActions() override;

    // The project's target server (target.azureResourceId, or the azure section's subscription,
    // resource group and server) and whether a fallback streams back (its lag gets an alert rule).
    // A new Azure context starts a new session, unless an action is running.
    void setProject(const project::Project &p, bool fallback);
    QString serverResourceId() const { return m_serverId; }
    bool isBusy() const { return m_running.has_value(); }
    // An action's result line as plain text, and whether it reports a failure.
    QString result(Action a) const;
    bool resultIsError(Action a) const;

private:
    struct Row
    {
        QPushButton *button = nullptr;
        QLabel *result = nullptr;
        bool error = false;
    };
    void start(Action a);
    void dispatch(Action a);
    void finish(Action a, const QString &message, bool error);
    void setResult(Action a, const QString &message, bool error);
    void updateActions();
    Row &row(Action a) { return m_rows[int(a)]; }
    const Row &row(Action a) const { return m_rows[int(a)]; }
    QString runningText(Action a) const;

    MigrationWizard *m_wizard;
    std::unique_ptr<AzureSession> m_session;
    project::AzureContext m_ctx;
    QString m_serverId;
    QString m_serverName;
    bool m_fallback = false;
    std::optional<Action> m_running;
    Row m_rows[3];
    QLabel *m_note;
    QLabel *m_code;
    QProgressBar *m_busy;
    QLineEdit *m_email;
    QLineEdit *m_replicaName;
    QComboBox *m_replicaRegion;
};

} // namespace pgferry::wizard
