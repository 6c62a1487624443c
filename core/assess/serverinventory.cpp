#include "assess/serverinventory.h"

#include "pg/connection.h"

namespace pgferry::assess {

namespace {

pg::ConnectOptions options(const std::atomic_bool *cancel)
{
    pg::ConnectOptions o;
    o.cancel = cancel;
    return o;
}

// Tables that a migration copies: ordinary tables and leaf partitions outside the system schemas.
const QString kTablesWhere = QStringLiteral("c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', "
                                            "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
                                            "AND n.nspname NOT LIKE 'pg\\_temp\\_%'");

} // namespace

std::optional<ServerInventory> inventoryServer(const pg::ConnInfo &info, pg::Error *error, bool countTables,
                                               const std::atomic_bool *cancel)
{
    try {
        pg::Connection c = pg::Connection::open(info, options(cancel));
        c.setCancelFlag(cancel);
        ServerInventory inv;
        inv.serverVersion = c.serverVersion();
        inv.versionText = c.parameterStatus("server_version");
        pg::Result r = c.exec(QStringLiteral("SELECT current_setting('wal_level'), current_user, "
                                             "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"));
        inv.walLevel = r.text(0, 0);
        inv.user = r.text(0, 1);
        inv.superuser = r.toBool(0, 2);
        r = c.exec(
            QStringLiteral("SELECT datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), "
                           "CASE WHEN has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid) END "
                           "FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname"));
        for (int i = 0; i < r.rows(); ++i) {
            DatabaseInventory d;
            d.name = r.text(i, 0);
            d.owner = r.text(i, 1);
            d.encoding = r.text(i, 2);
            d.sizeBytes = r.isNull(i, 3) ? -1 : r.toInt(i, 3);
            inv.databases.append(d);
        }
        if (countTables) {
            for (DatabaseInventory &d : inv.databases) {
                if (cancel && cancel->load())
                    break;
                try {
                    pg::Connection dc = pg::Connection::open(info.withDatabase(d.name), options(cancel));
                    dc.setCancelFlag(cancel);
                    pg::Result t = dc.exec(QStringLiteral("SELECT count(*) FROM pg_class c JOIN pg_namespace "
                                                          "n ON n.oid = c.relnamespace WHERE ") +
                                           kTablesWhere);
                    d.tableCount = int(t.toInt(0, 0));
                } catch (const pg::Exception &e) {
                    d.error = e.error().toString();
                }
            }
        }
        return inv;
    } catch (const pg::Exception &e) {
        if (error)
            *error = e.error();
        return std::nullopt;
    }
}

std::optional<QList<TableInventory>> inventoryTables(const pg::ConnInfo &info, pg::Error *error,
                                                     const std::atomic_bool *cancel)
{
    try {
        pg::Connection c = pg::Connection::open(info, options(cancel));
        c.setCancelFlag(cancel);
        pg::Result r =
            c.exec(QStringLiteral("SELECT n.nspname, c.relname, pg_total_relation_size(c.oid), "
                                  "greatest(c.reltuples, 0)::bigint "
                                  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") +
                   kTablesWhere + QStringLiteral(" ORDER BY 3 DESC, 1, 2"));
        QList<TableInventory> tables;
        for (int i = 0; i < r.rows(); ++i)
            tables.append(TableInventory{r.text(i, 0), r.text(i, 1), r.toInt(i, 2), r.toInt(i, 3)});
        return tables;
    } catch (const pg::Exception &e) {
        if (error)
            *error = e.error();
        return std::nullopt;
    }
}

} // namespace pgferry::assess
