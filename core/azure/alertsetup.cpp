#include "azure/alertsetup.h"

#include "azure/armapi.h"
#include "azure/armclient.h"
#include "azure/armmodels.h"

namespace pgferry::azure {

AlertSetup::AlertSetup(ArmClient *client, const ResourceId &server, const ResourceId &actionGroup,
                       const QString &email, const AlertSettings &settings, QObject *parent)
    : QObject(parent), m_client(client), m_server(server), m_group(actionGroup), m_email(email),
      m_settings(settings)
{}

void AlertSetup::send(const ArmRequest &req, Step step, const ResourceId &resource,
                      std::function<void(const ArmResult &)> next, bool missingIsFine)
{
    m_client->send(req, this,
                   [this, step, resource, next = std::move(next), missingIsFine](const ArmResult &r) {
                       if (!r.ok() && !(missingIsFine && r.httpStatus == 404)) {
                           m_outcome.failedStep = step;
                           m_outcome.failedResource = resource;
                           m_outcome.failure = r;
                           finish(false);
                           return;
                       }
                       next(r);
                   });
}

void AlertSetup::start()
{
    send(api::getServer(m_server), Step::ReadServer, m_server, [this](const ArmResult &r) {
        m_settings.hasReplicas =
            FlexibleServer::fromJson(r.body).replicationRole.compare(u"Primary", Qt::CaseInsensitive) == 0;
        send(api::getConfiguration(m_server, QStringLiteral("max_connections")), Step::ReadMaxConnections,
             m_server, [this](const ArmResult &c) {
                 m_settings.maxConnections = ServerConfiguration::fromJson(c.body).value.toInt();
                 m_rules = alertRules(m_settings);
                 putGroup();
             });
    });
}

void AlertSetup::putGroup()
{
    send(
        api::getActionGroup(m_group), Step::ReadActionGroup, m_group,
        [this](const ArmResult &r) {
            bool changed = false;
            const QJsonObject props = withEmailReceiver(
                r.ok() ? r.body.value(u"properties").toObject() : QJsonObject(), m_email, &changed);
            m_outcome.groupChanged = changed;
            if (!changed) {
                putRule(0);
                return;
            }
            send(api::putActionGroup(m_group, props), Step::WriteActionGroup, m_group,
                 [this](const ArmResult &) { putRule(0); });
        },
        true);
}

void AlertSetup::putRule(qsizetype index)
{
    if (index >= m_rules.size()) {
        finish(true);
        return;
    }
    const AlertRule rule = m_rules.at(index);
    const ResourceId id = alertRuleId(m_server, rule.key);
    send(api::putMetricAlert(id, m_server, rule, m_group.toString()), Step::WriteRule, id,
         [this, index, id, rule](const ArmResult &) {
             m_outcome.rules << id;
             Q_EMIT ruleDone(id, rule);
             putRule(index + 1);
         });
}

void AlertSetup::finish(bool ok)
{
    if (m_finished)
        return;
    m_finished = true;
    m_outcome.ok = ok;
    Q_EMIT finished();
}

} // namespace pgferry::azure
