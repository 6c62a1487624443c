// Test harness: throw-away PostgreSQL clusters (source and target) on loopback, built on the
// same LocalCluster code as the sandbox. Servers stop when the test process ends, even on kill -9.
#pragma once

#include "engine/localengine.h"
#include "pg/connection.h"
#include "sandbox/localcluster.h"

#include <QTemporaryDir>
#include <memory>

namespace pgferry::test {

class TestCluster
{
public:
    explicit TestCluster(const QString &label, sandbox::ClusterOptions options = {});
    sandbox::LocalCluster &cluster() { return *m_cluster; }
    sandbox::LocalCluster *operator->() { return m_cluster.get(); }
    pg::ConnInfo connInfo(const QString &db = QStringLiteral("postgres")) const { return m_cluster->connInfo(db); }
    pg::Connection connect(const QString &db = QStringLiteral("postgres")) const;
    // Runs SQL through psql; fails the test (throws) on error.
    void sql(const QString &db, const QString &text) const { m_cluster->psql(db, text); }
    void createDatabase(const QString &db) const;

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<sandbox::LocalCluster> m_cluster;
};

// A source (wal_level=logical) and a target, started together.
struct TwoClusters
{
    TwoClusters();
    TestCluster source;
    TestCluster target;
    // A local engine's configuration for one database of this pair (targetDb empty: the same name),
    // 2 jobs, the run state in stateDir. Tests set whatever else they need afterwards.
    engine::LocalEngineConfig engineConfig(const QString &stateDir, project::Mode mode, const QString &db,
                                           const QString &targetDb = {}) const;
};

// Where the shared corpus (pagila) lives.
QString sharedDir();

} // namespace pgferry::test
