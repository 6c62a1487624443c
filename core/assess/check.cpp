#include "assess/check.h"

#include <QJsonArray>

namespace pgferry::assess {

QString severityName(Severity s)
{
    switch (s) {
    case Severity::Pass:
        return QStringLiteral("pass");
    case Severity::Info:
        return QStringLiteral("info");
    case Severity::Warning:
        return QStringLiteral("warning");
    case Severity::Blocker:
        return QStringLiteral("blocker");
    }
    return QStringLiteral("pass");
}

std::optional<Severity> severityFromName(const QString &name)
{
    for (Severity s : {Severity::Pass, Severity::Info, Severity::Warning, Severity::Blocker}) {
        if (severityName(s) == name)
            return s;
    }
    return std::nullopt;
}

QString fixTargetName(FixTarget t)
{
    switch (t) {
    case FixTarget::SourceSql:
        return QStringLiteral("source_sql");
    case FixTarget::SourceConfig:
        return QStringLiteral("source_postgresql_conf");
    case FixTarget::SourceHba:
        return QStringLiteral("source_pg_hba_conf");
    case FixTarget::TargetSql:
        return QStringLiteral("target_sql");
    case FixTarget::TargetConfig:
        return QStringLiteral("target_config");
    case FixTarget::Manual:
        return QStringLiteral("manual");
    }
    return QStringLiteral("manual");
}

QString fixTargetTitle(FixTarget t)
{
    switch (t) {
    case FixTarget::SourceSql:
        return QStringLiteral("Source server, SQL (psql as a superuser)");
    case FixTarget::SourceConfig:
        return QStringLiteral("Source server, postgresql.conf (then restart the server)");
    case FixTarget::SourceHba:
        return QStringLiteral("Source server, pg_hba.conf (then SELECT pg_reload_conf())");
    case FixTarget::TargetSql:
        return QStringLiteral("Target server, SQL (psql as the admin user)");
    case FixTarget::TargetConfig:
        return QStringLiteral("Target server, server parameters");
    case FixTarget::Manual:
        return QStringLiteral("Other steps");
    }
    return QString();
}

void Check::setFixes(const QList<Fix> &f)
{
    fixes = f;
    QStringList parts;
    for (const Fix &fix : fixes) {
        QString heading;
        switch (fix.where) {
        case FixTarget::SourceSql:
            heading = fix.database.isEmpty()
                          ? QStringLiteral("On the source, run:")
                          : QStringLiteral("On the source, in database \"%1\", run:").arg(fix.database);
            break;
        case FixTarget::SourceConfig:
            heading = QStringLiteral("In the source's postgresql.conf (then restart the server):");
            break;
        case FixTarget::SourceHba:
            heading = QStringLiteral("In the source's pg_hba.conf (then SELECT pg_reload_conf()):");
            break;
        case FixTarget::TargetSql:
            heading = fix.database.isEmpty()
                          ? QStringLiteral("On the target, run:")
                          : QStringLiteral("On the target, in database \"%1\", run:").arg(fix.database);
            break;
        case FixTarget::TargetConfig:
            heading = QStringLiteral("On the target server:");
            break;
        case FixTarget::Manual:
            break;
        }
        if (fix.optional)
            heading = heading.isEmpty()
                          ? QStringLiteral("Optional (not needed for the migration):")
                          : QStringLiteral("Optional (not needed for the migration). ") + heading;
        parts << (heading.isEmpty() ? fix.text : heading + u'\n' + fix.text);
    }
    remediation = parts.join(QStringLiteral("\n\n"));
}

QJsonObject Check::toJson() const
{
    QJsonArray fixArray;
    for (const Fix &f : fixes) {
        QJsonObject o{{QStringLiteral("where"), fixTargetName(f.where)}, {QStringLiteral("text"), f.text}};
        if (!f.database.isEmpty())
            o.insert(QStringLiteral("database"), f.database);
        if (f.optional)
            o.insert(QStringLiteral("optional"), true);
        fixArray.append(o);
    }
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("severity"), severityName(severity)},
                       {QStringLiteral("database"), database},
                       {QStringLiteral("objects"), QJsonArray::fromStringList(objects)},
                       {QStringLiteral("message"), message},
                       {QStringLiteral("remediation"), remediation},
                       {QStringLiteral("fixes"), fixArray}};
}

Check Check::fromJson(const QJsonObject &o)
{
    Check c;
    c.id = o.value(u"id").toString();
    c.severity = severityFromName(o.value(u"severity").toString()).value_or(Severity::Info);
    c.database = o.value(u"database").toString();
    for (const auto &v : o.value(u"objects").toArray())
        c.objects << v.toString();
    c.message = o.value(u"message").toString();
    c.remediation = o.value(u"remediation").toString();
    for (const auto &v : o.value(u"fixes").toArray()) {
        const QJsonObject f = v.toObject();
        Fix fix;
        for (FixTarget t : {FixTarget::SourceSql, FixTarget::SourceConfig, FixTarget::SourceHba,
                            FixTarget::TargetSql, FixTarget::TargetConfig, FixTarget::Manual}) {
            if (fixTargetName(t) == f.value(u"where").toString())
                fix.where = t;
        }
        fix.database = f.value(u"database").toString();
        fix.text = f.value(u"text").toString();
        fix.optional = f.value(u"optional").toBool();
        c.fixes << fix;
    }
    return c;
}

} // namespace pgferry::assess
