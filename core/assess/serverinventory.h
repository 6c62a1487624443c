// What a server holds, for the wizard's pickers: its version, its databases with size and table
// count, and a database's tables. Blocking calls that open their own connections: run them on a
// worker thread. Errors are returned, never thrown, so they can cross to the GUI thread.
#pragma once

#include "pg/conninfo.h"
#include "pg/error.h"

#include <QList>
#include <QString>
#include <atomic>
#include <optional>

namespace pgferry::assess {

struct DatabaseInventory
{
    QString name;
    QString owner;
    QString encoding;
    qint64 sizeBytes = -1; // -1: not allowed to know (no CONNECT privilege)
    int tableCount = -1;   // -1: could not connect to count
    QString error;         // why the count is missing
};

struct ServerInventory
{
    int serverVersion = 0; // e.g. 150004
    QString versionText;   // "15.4"
    QString walLevel;
    QString user;
    bool superuser = false;
    QList<DatabaseInventory> databases; // without templates, sorted by name
};

struct TableInventory
{
    QString schema;
    QString name;
    qint64 sizeBytes = 0;
    qint64 rowsEstimated = 0;
    QString qualifiedName() const { return schema + u'.' + name; }
};

// Connects to `info` (its database is the maintenance database), reads the server's facts and
// lists its databases; with countTables, connects to each database to count its tables.
std::optional<ServerInventory> inventoryServer(const pg::ConnInfo &info, pg::Error *error,
                                               bool countTables = true,
                                               const std::atomic_bool *cancel = nullptr);

// The ordinary tables (leaf partitions included) of the database `info` names, largest first.
std::optional<QList<TableInventory>> inventoryTables(const pg::ConnInfo &info, pg::Error *error,
                                                     const std::atomic_bool *cancel = nullptr);

} // namespace pgferry::assess
