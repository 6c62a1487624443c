#include "azure/alertrules.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>

namespace pgferry::azure {

QJsonObject AlertRule::toJson() const
{
    return {{QStringLiteral("key"), key},
            {QStringLiteral("metric"), metric},
            {QStringLiteral("operator"), op},
            {QStringLiteral("threshold"), threshold},
            {QStringLiteral("aggregation"), aggregation},
            {QStringLiteral("window"), window},
            {QStringLiteral("severity"), severity},
            {QStringLiteral("description"), description}};
}

QList<AlertThreshold> alertThresholds()
{
    return {
        {QStringLiteral("cpu_percent"), 80, 1, 100, QStringLiteral("average CPU % over 15 minutes")},
        {QStringLiteral("memory_percent"), 90, 1, 100, QStringLiteral("average memory % over 15 minutes")},
        {QStringLiteral("storage_percent"), 80, 1, 100,
         QStringLiteral("storage used %, highest over 15 minutes")},
        {QStringLiteral("active_connections"), 80, 1, 100,
         QStringLiteral("connections as % of the server's max_connections, highest over 5 minutes")},
        {QStringLiteral("replication_lag_seconds"), 300, 1, 86400,
         QStringLiteral("read replica lag in seconds (when the server has replicas)")},
        {QStringLiteral("logical_replication_lag_mb"), 1024, 1, 1048576,
         QStringLiteral(
             "lag of the logical slots in MB (with --fallback: the stream back to the old server)")}};
}

QString parseAlertThreshold(const QString &arg, QHash<QString, double> &into)
{
    const qsizetype eq = arg.indexOf(u'=');
    QStringList keys;
    for (const AlertThreshold &t : alertThresholds())
        keys << t.key;
    if (eq <= 0)
        return QStringLiteral("--threshold \"%1\" is not KEY=VALUE; keys: %2")
            .arg(arg, keys.join(QStringLiteral(", ")));
    const QString key = arg.left(eq).trimmed();
    bool ok = false;
    const double value = arg.mid(eq + 1).trimmed().toDouble(&ok);
    for (const AlertThreshold &t : alertThresholds()) {
        if (t.key != key)
            continue;
        if (!ok || value < t.min || value > t.max)
            return QStringLiteral("--threshold %1: \"%2\" is not a number from %3 to %4 (%5)")
                .arg(key, arg.mid(eq + 1))
                .arg(t.min)
                .arg(t.max)
                .arg(t.meaning);
        into.insert(key, value);
        return {};
    }
    if (key == u"is_db_alive")
        return QStringLiteral("--threshold is_db_alive: the availability alert fires when the server is down "
                              "for 5 minutes and has no threshold to change");
    return QStringLiteral("--threshold: unknown key \"%1\"; keys: %2")
        .arg(key, keys.join(QStringLiteral(", ")));
}

QString checkEmailAddress(const QString &address)
{
    static const QRegularExpression re(QStringLiteral("^[^@\\s,;]+@[^@\\s,;]+\\.[^@\\s,;]+$"));
    if (!re.match(address).hasMatch())
        return QStringLiteral("--email \"%1\" is not an e-mail address such as dba@contoso.com").arg(address);
    return {};
}

QList<AlertRule> alertRules(const AlertSettings &s)
{
    auto value = [&s](const QString &key) {
        for (const AlertThreshold &t : alertThresholds())
            if (t.key == key)
                return s.overrides.value(key, t.defaultValue);
        return 0.0;
    };
    QList<AlertRule> rules;
    rules << AlertRule{QStringLiteral("cpu_percent"),
                       QStringLiteral("cpu_percent"),
                       QStringLiteral("GreaterThan"),
                       value(QStringLiteral("cpu_percent")),
                       QStringLiteral("Average"),
                       QStringLiteral("PT15M"),
                       QStringLiteral("PT5M"),
                       2,
                       QStringLiteral("CPU above %1% for 15 minutes: a larger SKU, or a query to tune")
                           .arg(value(QStringLiteral("cpu_percent")))};
    rules << AlertRule{
        QStringLiteral("memory_percent"),
        QStringLiteral("memory_percent"),
        QStringLiteral("GreaterThan"),
        value(QStringLiteral("memory_percent")),
        QStringLiteral("Average"),
        QStringLiteral("PT15M"),
        QStringLiteral("PT5M"),
        2,
        QStringLiteral(
            "Memory above %1% for 15 minutes: check work_mem and connections, or a memory-optimized SKU")
            .arg(value(QStringLiteral("memory_percent")))};
    rules << AlertRule{
        QStringLiteral("storage_percent"),
        QStringLiteral("storage_percent"),
        QStringLiteral("GreaterThan"),
        value(QStringLiteral("storage_percent")),
        QStringLiteral("Maximum"),
        QStringLiteral("PT15M"),
        QStringLiteral("PT5M"),
        1,
        QStringLiteral(
            "Storage above %1%: a full disk makes the server read-only; grow the storage or enable autogrow")
            .arg(value(QStringLiteral("storage_percent")))};
    if (s.maxConnections > 0) {
        const double pct = value(QStringLiteral("active_connections"));
        rules << AlertRule{
            QStringLiteral("active_connections"),
            QStringLiteral("active_connections"),
            QStringLiteral("GreaterThan"),
            std::ceil(s.maxConnections * pct / 100.0),
            QStringLiteral("Maximum"),
            QStringLiteral("PT5M"),
            QStringLiteral("PT1M"),
            2,
            QStringLiteral(
                "Connections above %1% of max_connections (%2): new connections will soon be refused; use a "
                "pooler (PgBouncer) or raise max_connections")
                .arg(pct)
                .arg(s.maxConnections)};
    }
    rules << AlertRule{QStringLiteral("is_db_alive"),
                       QStringLiteral("is_db_alive"),
                       QStringLiteral("LessThan"),
                       1,
                       QStringLiteral("Maximum"),
                       QStringLiteral("PT5M"),
                       QStringLiteral("PT1M"),
                       0,
                       QStringLiteral("The server has been unavailable for 5 minutes")};
    if (s.hasReplicas)
        rules << AlertRule{QStringLiteral("replication_lag_seconds"),
                           QStringLiteral("physical_replication_delay_in_seconds"),
                           QStringLiteral("GreaterThan"),
                           value(QStringLiteral("replication_lag_seconds")),
                           QStringLiteral("Maximum"),
                           QStringLiteral("PT15M"),
                           QStringLiteral("PT5M"),
                           2,
                           QStringLiteral("A read replica is more than %1 s behind")
                               .arg(value(QStringLiteral("replication_lag_seconds")))};
    if (s.fallback)
        rules << AlertRule{QStringLiteral("logical_replication_lag_mb"),
                           QStringLiteral("logical_replication_delay_in_bytes"),
                           QStringLiteral("GreaterThan"),
                           value(QStringLiteral("logical_replication_lag_mb")) * 1024 * 1024,
                           QStringLiteral("Maximum"),
                           QStringLiteral("PT15M"),
                           QStringLiteral("PT5M"),
                           2,
                           QStringLiteral("The fallback's stream back to the old server is more than %1 MB "
                                          "behind; the slot holds WAL on "
                                          "this server until it catches up")
                               .arg(value(QStringLiteral("logical_replication_lag_mb")))};
    return rules;
}

namespace {
ResourceId inServerGroup(const ResourceId &server, const QString &type, const QString &name)
{
    return {server.subscriptionId, server.resourceGroup, QStringLiteral("Microsoft.Insights"), type, name};
}
} // namespace

ResourceId alertRuleId(const ResourceId &server, const QString &key)
{
    return inServerGroup(server, QStringLiteral("metricAlerts"),
                         QStringLiteral("pgferry-%1-%2").arg(server.name, key));
}

ResourceId defaultActionGroupId(const ResourceId &server)
{
    return inServerGroup(server, QStringLiteral("actionGroups"),
                         QStringLiteral("pgferry-%1-alerts").arg(server.name));
}

QJsonObject withEmailReceiver(const QJsonObject &current, const QString &email, bool *changed)
{
    QJsonObject props = current;
    *changed = current.isEmpty();
    if (props.value(u"groupShortName").toString().isEmpty())
        props.insert(QStringLiteral("groupShortName"), QStringLiteral("pgferry"));
    if (!props.contains(u"enabled"))
        props.insert(QStringLiteral("enabled"), true);
    QJsonArray receivers = props.value(u"emailReceivers").toArray();
    for (const QJsonValue &r : std::as_const(receivers))
        if (r.toObject().value(u"emailAddress").toString().compare(email, Qt::CaseInsensitive) == 0) {
            props.insert(QStringLiteral("emailReceivers"), receivers);
            return props;
        }
    // Receiver names are unique within a group.
    receivers.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("pgferry %1").arg(email).left(128)},
                                 {QStringLiteral("emailAddress"), email},
                                 {QStringLiteral("useCommonAlertSchema"), true}});
    props.insert(QStringLiteral("emailReceivers"), receivers);
    *changed = true;
    return props;
}

} // namespace pgferry::azure
