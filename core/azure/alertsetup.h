// pgferry's alerts put on a flexible server over an ArmClient: the steps `pgferry-cli azure alerts`
// and the wizard's Done page share. Reads the server (a primary's read replicas get a lag rule) and
// its max_connections (the connection rule's threshold), reads the action group (a missing one is
// made) and adds the e-mail receiver when it lacks it, keeping the others, then puts each metric
// alert rule of alertRules() in turn. The names are fixed (alertrules.h), so a rerun updates in
// place. Asynchronous: start() returns at once; ruleDone() reports each rule in place, finished()
// the outcome, once. The first failed call ends it: no rule is put without its group.
#pragma once

#include "azure/alertrules.h"
#include "azure/armrequest.h"
#include "azure/resourceid.h"

#include <QList>
#include <QObject>

#include <functional>

namespace pgferry::azure {

class ArmClient;

class AlertSetup : public QObject
{
    Q_OBJECT
public:
    enum class Step { ReadServer, ReadMaxConnections, ReadActionGroup, WriteActionGroup, WriteRule };
    struct Outcome
    {
        bool ok = false;
        bool groupChanged = false; // the receiver was added, or the group made
        QList<ResourceId> rules;   // in place, in order
        Step failedStep = Step::ReadServer;
        ResourceId failedResource; // the server, the group or the rule of the failed call
        ArmResult failure;         // the failed call's result
    };

    // settings: the caller's overrides and fallback; hasReplicas and maxConnections are read from
    // the server. The client must outlive the setup.
    AlertSetup(ArmClient *client, const ResourceId &server, const ResourceId &actionGroup,
               const QString &email, const AlertSettings &settings, QObject *parent = nullptr);

    void start();
    bool isFinished() const { return m_finished; }
    const Outcome &outcome() const { return m_outcome; }
    const ResourceId &actionGroup() const { return m_group; }

Q_SIGNALS:
    void ruleDone(const pgferry::azure::ResourceId &id, const pgferry::azure::AlertRule &rule);
    void finished();

private:
    void send(const ArmRequest &req, Step step, const ResourceId &resource,
              std::function<void(const ArmResult &)> next, bool missingIsFine = false);
    void putGroup();
    void putRule(qsizetype index);
    void finish(bool ok);

    ArmClient *m_client;
    ResourceId m_server;
    ResourceId m_group;
    QString m_email;
    AlertSettings m_settings;
    QList<AlertRule> m_rules;
    Outcome m_outcome;
    bool m_finished = false;
};

} // namespace pgferry::azure
