// What a database carries besides its objects, which pg_dump without --create leaves out: its own
// settings (ALTER DATABASE ... SET search_path = ..., and per role in it: ALTER ROLE ... IN
// DATABASE ... SET), the privileges on it (GRANT CONNECT ...), its comment and its connection limit. An
// application that relies on the database's search_path breaks after cutover without them, while every row is
// identical.
#pragma once

#include "pg/connection.h"

#include <QSet>
#include <QString>
#include <QStringList>

namespace pgferry::schema {

struct DatabaseProperties
{
    QStringList statements; // to run on the target, in order
    QStringList skipped;    // what was not carried, and why
};

// Reads the source database's properties and writes the statements that give `targetDb` the same.
// pgferry's own read-only switch (default_transaction_read_only) is not carried; a role that does
// not exist on the target is skipped, named; so are privileges of `ignoredGrantees`. `target`
// quotes and says which roles exist there.
DatabaseProperties readDatabaseProperties(pg::Connection &source, const QString &sourceDb,
                                          pg::Connection &target, const QString &targetDb,
                                          const QSet<QString> &ignoredGrantees = {});

// The verification's view: what differs between the two databases' properties, each as the
// statement concerned ("missing on the target: ALTER DATABASE ... SET ..."). Empty when equal.
QStringList compareDatabaseProperties(pg::Connection &source, const QString &sourceDb, pg::Connection &target,
                                      const QString &targetDb);

// A setting as pg_db_role_setting stores it ("search_path=public, \"abc\"") as the value part of
// an ALTER ... SET: list settings element by element, each a literal; others one literal.
QString settingValueSql(const pg::Connection &c, const QString &name, const QString &value);

// Runs them on the target (its maintenance connection will do: the statements name the database).
// Returns the statements that failed, each with its error.
QStringList applyDatabaseProperties(pg::Connection &target, const DatabaseProperties &p);

} // namespace pgferry::schema
