// Schema changes carried in the change stream. On the source, event triggers (ddl_command_end,
// sql_drop) describe every object a DDL statement created, changed or dropped from the catalogs
// and insert that description into a log table of pgferry's own, in the DDL's own transaction.
// The log table is published with the migrated tables, so each record arrives exactly between
// the rows written before and after the change. The applier turns a record into statements for
// the target (planSchemaChange) and runs them in the same target transaction as the rows around
// it, so the replication origin makes them exactly-once too.
//
// Descriptions are state, not statement text: the trigger keeps the last description of each
// object, and a record holds {before, after}. The plan is the difference, by attribute number
// (a renamed column is renamed, not dropped and added) and by constraint and index oid.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace pgferry::cdc {

// The source objects of one migration's capture, all in schema _pgferry.
struct DdlCaptureNames
{
    QString base; // the migration's object name, e.g. pgferry_0123456789ab_0
    QString logTable() const { return base + QStringLiteral("_ddl"); }     // published
    QString stateTable() const { return base + QStringLiteral("_state"); } // last description per object
    QString ddlTrigger() const { return base + QStringLiteral("_ddl"); }   // event trigger names
    QString dropTrigger() const { return base + QStringLiteral("_drop"); }
};

struct DdlCaptureConfig
{
    DdlCaptureNames names;
    int serverVersion = 0;
    QString publication;       // empty for test_decoding (every table streams)
    QStringList includeTables; // the selection's patterns (schema.table, * and ?)
    QStringList excludeTables;
};

// Statements that create the capture on the source (idempotent: an earlier install of the same
// migration is replaced) and record the present state of every object it watches. Run them in
// one transaction before the slot is created.
QStringList ddlCaptureInstallSql(const DdlCaptureConfig &config);
// Statements that remove it (event triggers first: the triggers' function names the publication).
QStringList ddlCaptureRemoveSql(const DdlCaptureNames &names);

// One schema change planned for the target.
struct PlannedChange
{
    QString object;         // schema.name (of a column: schema.table.column)
    QString kind;           // "table created", "column added", ...
    QStringList statements; // to run on the target, in order (empty when deferred or unresolved)
    QString state;          // "applied", "deferred", "unresolved"
    QString detail;
    // Applied, the table's rows may still differ from the source's: a column added with a default
    // that is not a constant (now(), nextval(...), random()) computes its own values for the rows
    // already there on each side. The table is copied again right after, from a new snapshot.
    bool copyAfter = false;
};

// Whether a default expression, as pg_get_expr prints it, is a constant ('new'::text, 0, -1.5,
// NULL::integer, true): the same value on both sides for the rows a new column fills.
bool isConstantDefault(const QString &expression);

struct PlanOptions
{
    bool keepOwners = true; // ALTER ... OWNER TO the source's owner, when that role exists on the target
};

// The plan for one record of the log (its `items` array, as the trigger wrote it). Sequences'
// OWNED BY come last: the column they name may be created by a later item of the same record.
QList<PlannedChange> planSchemaChange(const QJsonArray &items, const PlanOptions &options = {});

} // namespace pgferry::cdc
