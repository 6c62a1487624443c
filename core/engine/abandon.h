// Abandoning a local migration (`pgferry-cli abandon`): finds, from the catalogs and the run
// journal, everything the project made on its servers (replication slots, publications, the
// schema-change capture and the read-only switch on each source database; the replication origin,
// pgferry's bookkeeping schema and, when asked, the database it created on the target) and the
// run state folder, and removes them. Planning changes nothing; removal goes item by item, says
// of each what became of it, and keeps the run state folder while anything is left, so a second
// abandon finds what the first could not remove and a run after a complete one finds nothing.
#pragma once

#include "pg/conninfo.h"
#include "project/project.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace pgferry::engine {

struct AbandonInput
{
    project::Project project;
    pg::ConnInfo source; // passwords resolved; the database is the maintenance database
    pg::ConnInfo target;
    QString stateDir;        // the project's run state folder
    bool dropTarget = false; // also drop the target databases that pgferry created
};

struct AbandonItem
{
    enum class Where { Source, Target, Local };
    Where where = Where::Source;
    QString database;  // the source or target database it is in (for a target database: its name)
    QString kind;      // "replication slot", "publication", "schema-change capture", "read-only switch",
                       // "replication origin", "schema", "target database", "run state folder"
    QString name;      // the object's name, or the folder's path
    QString detail;    // what else is worth knowing ("inactive, holds 16 MB of WAL")
    QString removeSql; // what removes it by hand (run in `database`), empty for the folder
    // Listed but left alone on purpose, with the reason (a target database pgferry did not create).
    bool refused = false;
    QString refusedWhy;
    // After removal:
    bool removed = false;
    QString error; // what went wrong and what to do

    QString whereName() const; // "source", "target", "local"
    // One line for people: "source database shop: replication slot pgferry_..._0 (inactive, ...)".
    QString describe() const;
    QJsonObject toJson() const;
};

struct AbandonPlan
{
    QList<AbandonItem> items;
    QStringList problems; // what could not be looked at (an unreachable server), with what to do
    QStringList notes;    // what is left alone on purpose and why
    bool inUse = false;   // a slot of the migration is in use (a run elsewhere): nothing may be removed

    bool nothingToRemove() const; // no item that would be removed
    bool complete() const;        // every item that was to be removed is, and nothing was unreadable
    QJsonObject toJson() const;
};

// Reads the run journal and both servers' catalogs; changes nothing. Never throws.
AbandonPlan planAbandon(const AbandonInput &in);

// Removes nothing when plan.inUse. Otherwise removes every item of `plan` that is not refused, source
// databases first (the read-only switch first of all: the applications wait for it), then the target, then
// the run state folder, which goes only when nothing else is left. Then it looks at the catalogs again: an
// item still there is not removed. Fills in `removed` and `error` of each item. Never throws. Returns
// plan.complete().
bool executeAbandon(const AbandonInput &in, AbandonPlan &plan);

// `pgferry-cli source-writable`: undoes the read-only switch that a cutover set on a source
// database (ALTER DATABASE ... RESET default_transaction_read_only) and records it in the run
// journal. Refuses a database that pgferry did not make read-only, and one whose cutover completed.
struct SourceWritableResult
{
    bool ok = false;
    bool changed = false; // the switch was on and is now off
    QString message;      // what happened, or why not and what to do
};
SourceWritableResult makeSourceWritable(const pg::ConnInfo &source, const QString &stateDir,
                                        const QString &database);

} // namespace pgferry::engine
