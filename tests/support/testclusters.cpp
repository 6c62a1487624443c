#include "testclusters.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <stdexcept>

namespace pgferry::test {

TestCluster::TestCluster(const QString &label, sandbox::ClusterOptions options)
{
    // Under /tmp so that the postgres user can reach it when tests run as root.
    m_tmp = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/pgferry-test-") + label +
                                            QStringLiteral("-XXXXXX"));
    if (!m_tmp->isValid())
        throw std::runtime_error("cannot create a temporary folder for a test cluster");
    // QTemporaryDir is private to us; the server may run as the postgres user.
    QFile::setPermissions(m_tmp->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                             QFile::ExeGroup | QFile::ExeOther);
    m_cluster = std::make_unique<sandbox::LocalCluster>(m_tmp->path() + QStringLiteral("/cluster"), options);
    m_cluster->init();
    m_cluster->start();
}

pg::Connection TestCluster::connect(const QString &db) const
{
    return pg::Connection::open(connInfo(db));
}

void TestCluster::createDatabase(const QString &db) const
{
    pg::Connection c = connect();
    c.exec(QStringLiteral("CREATE DATABASE ") + c.quoteIdent(db));
}

qint64 TestCluster::slotCount(const QString &db) const
{
    return connect()
        .exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE $1 = '' OR database = $1"),
              {db})
        .toInt(0, 0);
}

bool TestCluster::readOnly(const QString &db) const
{
    return connect(db).exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0) == u"on";
}

TwoClusters::TwoClusters(const QString &sourceMajor, const QString &targetMajor)
    : source(QStringLiteral("source"), optionsFor(sourceMajor)),
      target(QStringLiteral("target"), optionsFor(targetMajor))
{}

QString serverBinDir(const QString &major, QString *why)
{
    if (major.isEmpty() || major == u"15") {
        const QString dir = sandbox::LocalCluster::binDir();
        if (dir.isEmpty() && why)
            *why = QStringLiteral(
                "no PostgreSQL server is installed under /usr/lib/postgresql: run scripts/install-deps");
        return dir;
    }
    QString base = qEnvironmentVariable("PGFERRY_PG_VERSIONS_DIR");
    if (base.isEmpty())
        base = QStringLiteral("/var/cache/pgferry/postgres");
    const QString dir = base + u'/' + major + QStringLiteral("/bin");
    if (QFileInfo(dir + QStringLiteral("/postgres")).isExecutable())
        return dir;
    if (why) {
        *why =
            QStringLiteral("PostgreSQL %1 is not installed in %2: run scripts/install-postgres-versions %1")
                .arg(major, base);
        if (major == u"9.6")
            *why += QStringLiteral(
                " (9.6 is built from ../shared/postgresql-9.6, which must sit beside the clone)");
    }
    return {};
}

sandbox::ClusterOptions optionsFor(const QString &major, sandbox::ClusterOptions options)
{
    QString why;
    options.binDir = serverBinDir(major, &why);
    if (options.binDir.isEmpty())
        throw std::runtime_error(why.toStdString());
    return options;
}

bool requireEveryMajor()
{
    return qEnvironmentVariable("CI") == u"true" ||
           qEnvironmentVariable("PGFERRY_REQUIRE_ALL_MAJORS") == u"1";
}

engine::LocalEngineConfig TwoClusters::engineConfig(const QString &stateDir, project::Mode mode,
                                                    const QString &db, const QString &targetDb) const
{
    engine::LocalEngineConfig c;
    c.project.name = db;
    c.project.mode = mode;
    c.project.databases.append({db, targetDb, {}, {}});
    c.project.settings.jobs = 2;
    c.source = source.connInfo();
    c.target = target.connInfo();
    c.stateDir = stateDir;
    return c;
}

QString sharedDir()
{
    const QString env = qEnvironmentVariable("PGFERRY_TEST_DATA_DIR");
    return env.isEmpty() ? QStringLiteral(PGFERRY_TEST_DATA_DIR) : env;
}

} // namespace pgferry::test
