#include "fixtures.h"

#include <QFileInfo>
#include <QProcess>
#include <stdexcept>

namespace pgferry::test {

namespace {

[[noreturn]] void fail(const QString &message)
{
    throw std::runtime_error(message.toStdString());
}

QString requireFile(const QString &path)
{
    if (!QFileInfo::exists(path))
        fail(QStringLiteral("fixture file %1 is missing").arg(path));
    return path;
}

QProcessEnvironment childEnvironment(const pg::ConnInfo &info)
{
    // The password travels in the environment, never on a command line.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QMap<QString, QString> vars = info.childEnvironment();
    for (auto it = vars.cbegin(); it != vars.cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    return env;
}

// Roles of `from` that `to` lacks, created bare: enough for grants and owners to restore.
void copyRoles(TestCluster &from, TestCluster &to)
{
    pg::Connection s = from.connect();
    pg::Connection t = to.connect();
    pg::Result roles =
        s.exec(QStringLiteral("SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1"));
    for (int i = 0; i < roles.rows(); ++i) {
        const QString name = roles.text(i, 0);
        if (t.exec(QStringLiteral("SELECT 1 FROM pg_roles WHERE rolname = $1"), {name}).rows() == 0)
            t.exec(QStringLiteral("CREATE ROLE ") + t.quoteIdent(name));
    }
}

} // namespace

QString trapsSqlPath()
{
    return QStringLiteral(PGFERRY_SOURCE_DIR) + QStringLiteral("/tests/fixtures/traps.sql");
}

QString trapsDatabaseName()
{
    return QStringLiteral("traps; \"Ünï\" db");
}

void loadTraps(TestCluster &cluster, const QString &db)
{
    const QString file = requireFile(trapsSqlPath());
    cluster.createDatabase(db);
    cluster->psqlFile(db, file);
}

void loadPagila(TestCluster &cluster, const QString &db)
{
    const QString dir = sharedDir() + QStringLiteral("/pagila");
    const QString schema = requireFile(dir + QStringLiteral("/pagila-schema.sql"));
    const QString data = requireFile(dir + QStringLiteral("/pagila-data.sql"));
    cluster.createDatabase(db);
    cluster->psqlFile(db, schema);
    cluster->psqlFile(db, data);
}

void dumpRestore(TestCluster &from, const QString &db, TestCluster &to, const QString &targetDb)
{
    if (&from != &to)
        copyRoles(from, to);
    to.createDatabase(targetDb);
    const QString bin = sandbox::LocalCluster::binDir();
    QProcess dump, restore;
    dump.setProcessEnvironment(childEnvironment(from.connInfo(db)));
    restore.setProcessEnvironment(childEnvironment(to.connInfo(targetDb)));
    dump.setStandardOutputProcess(&restore);
    // pg_dump takes the database from PGDATABASE; pg_restore's -d is a conninfo string, so that a
    // name with ";", "=" or quotes passes through untouched.
    QString quoted = targetDb;
    quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    dump.start(bin + QStringLiteral("/pg_dump"), {QStringLiteral("-Fc"), QStringLiteral("--no-password")});
    restore.start(bin + QStringLiteral("/pg_restore"),
                  {QStringLiteral("--single-transaction"), QStringLiteral("--exit-on-error"),
                   QStringLiteral("--no-password"), QStringLiteral("-d"),
                   QStringLiteral("dbname='%1'").arg(quoted)});
    const bool dumped = dump.waitForFinished(300000);
    const bool restored = restore.waitForFinished(300000);
    const QString dumpErr = QString::fromUtf8(dump.readAllStandardError()).trimmed();
    const QString restoreErr = QString::fromUtf8(restore.readAllStandardError()).trimmed();
    if (!dumped || dump.exitStatus() != QProcess::NormalExit || dump.exitCode() != 0)
        fail(QStringLiteral("pg_dump of database %1 failed: %2").arg(db, dumpErr));
    if (!restored || restore.exitStatus() != QProcess::NormalExit || restore.exitCode() != 0)
        fail(QStringLiteral("pg_restore into database %1 failed: %2").arg(targetDb, restoreErr));
}

} // namespace pgferry::test
