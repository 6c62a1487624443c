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
    pg::ConnInfo connInfo(const QString &db = QStringLiteral("postgres")) const
    {
        return m_cluster->connInfo(db);
    }
    pg::Connection connect(const QString &db = QStringLiteral("postgres")) const;
    // Runs SQL through psql; fails the test (throws) on error.
    void sql(const QString &db, const QString &text) const { m_cluster->psql(db, text); }
    void createDatabase(const QString &db) const;
    // The replication slots of database `db` (empty: of every database).
    qint64 slotCount(const QString &db = {}) const;
    // Whether new sessions of `db` are read-only (default_transaction_read_only), as a cutover
    // leaves a source database.
    bool readOnly(const QString &db) const;

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<sandbox::LocalCluster> m_cluster;
};

// A source (wal_level=logical) and a target, started together; of the given majors ("9.6", "10",
// … "18"; empty: the default installation's), see serverBinDir().
struct TwoClusters
{
    TwoClusters(const QString &sourceMajor = {}, const QString &targetMajor = {});
    TestCluster source;
    TestCluster target;
    // A local engine's configuration for one database of this pair (targetDb empty: the same name),
    // 2 jobs, the run state in stateDir. Tests set whatever else they need afterwards.
    engine::LocalEngineConfig engineConfig(const QString &stateDir, project::Mode mode, const QString &db,
                                           const QString &targetDb = {}) const;
};

// The public data the tests read, copied into tests/data: pagila, the Azure contracts
// (PGFERRY_TEST_DATA_DIR overrides).
QString sharedDir();

// The server binaries of a PostgreSQL major ("9.6", "10", … "18") for the version matrix: the
// cache scripts/install-postgres-versions fills (PGFERRY_PG_VERSIONS_DIR, by default
// /var/cache/pgferry/postgres/MAJOR/bin); "15" and an empty major are the default installation's
// (Debian's). Empty when that major is not installed, with `why` saying how to install it.
QString serverBinDir(const QString &major, QString *why = nullptr);

// ClusterOptions for a cluster of that major (throws when it is not installed).
sandbox::ClusterOptions optionsFor(const QString &major, sandbox::ClusterOptions options = {});

// Whether a missing major fails the test (in CI, where scripts/test installs every one) or skips it.
bool requireEveryMajor();

} // namespace pgferry::test

// In a test function: skips it (or fails it, in CI) when that major is not installed.
#define PGFERRY_REQUIRE_MAJOR(major)                                                                         \
    do {                                                                                                     \
        QString pgferryWhy_;                                                                                 \
        if (::pgferry::test::serverBinDir((major), &pgferryWhy_).isEmpty()) {                                \
            if (::pgferry::test::requireEveryMajor())                                                        \
                QFAIL(qPrintable(pgferryWhy_));                                                              \
            QSKIP(qPrintable(pgferryWhy_));                                                                  \
        }                                                                                                    \
    } while (false)

namespace pgferry::test {} // namespace pgferry::test
