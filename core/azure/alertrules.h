// The alerts pgferry sets on a migrated flexible server: Azure Monitor metric alert rules
// (Microsoft.Insights/metricAlerts 2018-03-01) that notify an action group with an e-mail receiver
// (Microsoft.Insights/actionGroups 2023-01-01). Rule and group names are the same on every run, so
// a rerun updates them in place instead of adding copies. Metric names as in
// ../shared/azure-specs/monitor/METRICS.md.
#pragma once

#include "azure/resourceid.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace pgferry::azure {

struct AlertRule
{
    QString key;    // cpu_percent, memory_percent, ... (the --threshold name)
    QString metric; // the Azure Monitor metric
    QString op;     // GreaterThan | LessThan
    double threshold = 0;
    QString aggregation; // Average | Maximum
    QString window;      // ISO 8601 duration
    QString frequency;   // how often it is evaluated
    int severity = 2;    // 0 critical .. 4 verbose
    QString description;

    QJsonObject toJson() const;
};

// One overridable threshold: its name for --threshold, default, allowed range and meaning.
struct AlertThreshold
{
    QString key;
    double defaultValue;
    double min, max;
    QString meaning;
};
QList<AlertThreshold> alertThresholds();

struct AlertSettings
{
    QHash<QString, double> overrides; // key -> value, checked with parseAlertThreshold()
    int maxConnections = 0;           // the server's max_connections
    bool hasReplicas = false;         // read replicas: their lag in seconds
    bool fallback = false;            // a fallback streams back from a logical slot: its lag in bytes
};

// "KEY=VALUE" into `into`; empty, or what is wrong (unknown key with the known ones, a value out of range).
QString parseAlertThreshold(const QString &arg, QHash<QString, double> &into);
QString checkEmailAddress(const QString &address);

QList<AlertRule> alertRules(const AlertSettings &settings);
// pgferry-SERVER-KEY, in the server's resource group.
ResourceId alertRuleId(const ResourceId &server, const QString &key);
// pgferry-SERVER-alerts, in the server's resource group.
ResourceId defaultActionGroupId(const ResourceId &server);
// An action group's properties with an e-mail receiver for `email` (added when missing; a new group
// when `current` is empty). *changed says whether anything was added.
QJsonObject withEmailReceiver(const QJsonObject &current, const QString &email, bool *changed);

} // namespace pgferry::azure
