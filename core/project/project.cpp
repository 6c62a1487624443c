#include "project/project.h"

#include <QRegularExpression>

namespace pgferry::project {

QString migrationObjectPrefix(const QString &projectId)
{
    QString id = projectId;
    id.remove(u'-');
    return QStringLiteral("pgferry_%1_").arg(id.left(12).toLower());
}

QString migrationObjectName(const QString &projectId, int databaseIndex)
{
    return migrationObjectPrefix(projectId) + QString::number(databaseIndex);
}

QString modeName(Mode m)
{
    return m == Mode::Online ? QStringLiteral("online") : QStringLiteral("offline");
}
QString engineName(Engine e)
{
    return e == Engine::Local ? QStringLiteral("local") : QStringLiteral("azure");
}
QString verifyLevelName(VerifyLevel v)
{
    return v == VerifyLevel::Full ? QStringLiteral("full") : QStringLiteral("count");
}

QString authName(Auth a)
{
    return a == Auth::Password ? QStringLiteral("password") : QStringLiteral("entra");
}

pg::ConnInfo ConnectionProfile::connInfo(const QString &db) const
{
    pg::ConnInfo ci;
    ci.host = host;
    ci.port = port;
    ci.user = user;
    ci.database = db.isEmpty() ? database : db;
    ci.sslmode = sslmode;
    ci.sslrootcert = sslrootcert;
    ci.applicationName = applicationName.isEmpty() ? QStringLiteral("pgferry") : applicationName;
    ci.passfile = passfile;
    return ci;
}

ConnectionProfile ConnectionProfile::fromConnInfo(const pg::ConnInfo &ci)
{
    ConnectionProfile p;
    p.host = ci.host;
    p.port = ci.port;
    p.user = ci.user;
    p.database = ci.database.isEmpty() ? QStringLiteral("postgres") : ci.database;
    p.sslmode = ci.sslmode;
    p.sslrootcert = ci.sslrootcert;
    p.applicationName = ci.applicationName;
    p.passfile = ci.passfile;
    return p;
}

QString tablePatternRegex(const QString &pattern)
{
    const QString p = pattern.trimmed();
    QString re;
    bool quoted = false, separated = false;
    for (qsizetype i = 0; i < p.size(); ++i) {
        const QChar ch = p.at(i);
        if (ch == u'"') {
            if (quoted && i + 1 < p.size() && p.at(i + 1) == u'"') {
                re += u'"';
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (!quoted && ch == u'*') {
            re += QStringLiteral(".*");
        } else if (!quoted && ch == u'?') {
            re += u'.';
        } else if (!quoted && ch == u'.') {
            re += QStringLiteral("\\.");
            separated = true;
        } else if (QStringLiteral("\\.^$|()[]{}+*?").contains(ch)) {
            re += u'\\' + QString(ch);
        } else {
            re += ch;
        }
    }
    return (separated ? QStringLiteral("^") : QStringLiteral("^.*\\.")) + re + u'$';
}

bool DatabaseSelection::selects(const QString &schema, const QString &name) const
{
    const QString qualified = schema + u'.' + name;
    auto matches = [&qualified](const QString &pattern) {
        return !pattern.trimmed().isEmpty() &&
               QRegularExpression(tablePatternRegex(pattern)).match(qualified).hasMatch();
    };
    if (!includeTables.isEmpty() && std::none_of(includeTables.begin(), includeTables.end(), matches))
        return false;
    return std::none_of(excludeTables.begin(), excludeTables.end(), matches);
}

} // namespace pgferry::project
