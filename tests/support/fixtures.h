// Test databases: the trap database (tests/fixtures/traps.sql, every trap of DESIGN.md) and the
// public pagila sample, loaded into a test cluster; and a pg_dump | pg_restore copy as a reference.
#pragma once

#include "testclusters.h"

#include <QString>

namespace pgferry::test {

// tests/fixtures/traps.sql in the source tree.
QString trapsSqlPath();

// A database name with the characters DESIGN.md lists as traps: ";", a quote, a space, Unicode.
QString trapsDatabaseName();

// Creates `db` on the cluster and loads traps.sql into it. Creates the roles it needs
// (pgferry_owner, pgferry_reader, "pgferry Writer ü") when the cluster lacks them. Throws on error.
void loadTraps(TestCluster &cluster, const QString &db);

// Creates `db` and loads tests/data/pagila (schema, then data). Throws on error.
void loadPagila(TestCluster &cluster, const QString &db);

// Copies database `db` of `from` into a new database `targetDb` of `to` (which may be the same
// cluster) with pg_dump -Fc | pg_restore --single-transaction --exit-on-error: the reference copy
// that compareDatabases() must call identical. Roles the source has and the target lacks are
// created first (without passwords). Throws std::runtime_error with the tools' output on failure.
void dumpRestore(TestCluster &from, const QString &db, TestCluster &to, const QString &targetDb);

} // namespace pgferry::test
