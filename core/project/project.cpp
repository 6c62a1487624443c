#include "project/project.h"

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

QString modeName(Mode m) { return m == Mode::Online ? QStringLiteral("online") : QStringLiteral("offline"); }
QString engineName(Engine e) { return e == Engine::Local ? QStringLiteral("local") : QStringLiteral("azure"); }
QString verifyLevelName(VerifyLevel v) { return v == VerifyLevel::Full ? QStringLiteral("full") : QStringLiteral("count"); }

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

} // namespace pgferry::project
