// One assessment finding: a stable id, a severity, what it concerns, and how to fix it.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace pgferry::assess {

enum class Severity { Pass, Info, Warning, Blocker };

QString severityName(Severity s); // "pass", "info", "warning", "blocker"
std::optional<Severity> severityFromName(const QString &name);

// Where a piece of a remediation has to be applied; the fix script groups by it.
enum class FixTarget { SourceSql, SourceConfig, SourceHba, TargetSql, TargetConfig, Manual };

QString fixTargetName(FixTarget t);  // "source_sql", "source_conf", ...
QString fixTargetTitle(FixTarget t); // "Source server: SQL", ...

struct Fix
{
    FixTarget where = FixTarget::Manual;
    QString database; // for SQL: the database to run it in; empty: any (the maintenance database)
    QString text;     // exact lines: SQL statements, postgresql.conf or pg_hba.conf lines, or instructions
    // Not needed for the migration (e.g. renaming an application's tables so that no two names differ
    // only in case): the fix script carries it commented out, so applying the whole script never does it.
    bool optional = false;
    bool operator==(const Fix &) const = default;
};

struct Check
{
    QString id; // stable: "source.wal_level", "table.primary_key", ...
    Severity severity = Severity::Pass;
    QString database;    // the source database it concerns; empty for server-wide checks
    QStringList objects; // the tables, roles, extensions, ... it concerns
    QString message;     // what was found, in one or two sentences
    QString remediation; // the exact fix, as text (built from `fixes` when they are given)
    QList<Fix> fixes;    // the same fix, split by where to apply it

    // Sets `fixes` and renders them into `remediation`.
    void setFixes(const QList<Fix> &f);
    QJsonObject toJson() const;
    static Check fromJson(const QJsonObject &o);
};

} // namespace pgferry::assess
