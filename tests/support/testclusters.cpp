#include "testclusters.h"

#include <QDir>
#include <QFile>
#include <stdexcept>

namespace pgferry::test {

TestCluster::TestCluster(const QString &label, sandbox::ClusterOptions options)
{
    // Under /tmp so that the postgres user can reach it when tests run as root.
    m_tmp = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/pgferry-test-") + label + QStringLiteral("-XXXXXX"));
    if (!m_tmp->isValid())
        throw std::runtime_error("cannot create a temporary folder for a test cluster");
    // QTemporaryDir is private to us; the server may run as the postgres user.
    QFile::setPermissions(m_tmp->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup |
                                             QFile::ExeOther);
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

TwoClusters::TwoClusters() : source(QStringLiteral("source")), target(QStringLiteral("target")) {}

engine::LocalEngineConfig TwoClusters::engineConfig(const QString &stateDir, project::Mode mode, const QString &db,
                                                    const QString &targetDb) const
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
    const QString env = qEnvironmentVariable("PGFERRY_SHARED_DIR");
    return env.isEmpty() ? QStringLiteral(PGFERRY_SHARED_DIR) : env;
}

} // namespace pgferry::test
