// Schema migration with pg_dump/pg_restore: dumps pre-data and post-data from the shared snapshot
// in custom format, restores pre-data before the load, indexes and keys after it (in parallel
// jobs), and foreign keys, triggers, rules, policies and materialized-view refreshes at cutover.
#pragma once

#include <functional>

#include "pg/conninfo.h"
#include "project/project.h"
#include "schema/pgtools.h"
#include "schema/toc.h"
#include "schema/tocfilter.h"

#include <QSet>
#include <QStringList>
#include <atomic>
#include <optional>

namespace pgferry::schema {

class SchemaMigrator
{
public:
    SchemaMigrator(PgTools tools, pg::ConnInfo source, pg::ConnInfo target, project::SchemaOptions options,
                   project::DatabaseSelection selection, QString workDir, const std::atomic_bool *stop);

    // Dumps both archives using `snapshot` (an exported snapshot that is still alive).
    void dump(const QString &snapshot);
    bool haveArchives() const;
    // Everything pg_dump puts before the data, in one transaction: all or nothing. Unless its
    // locks would not fit in the target's lock table (thousands of tables): then in batches, each
    // one transaction; preDataBatchesKept() says how many were committed when one failed.
    // Returns the number of transactions (1: all or nothing).
    int restorePreData();
    int preDataBatchesKept() const { return m_preDataKept; }
    // Indexes and primary/unique/exclusion constraints, `jobs` in parallel. With
    // tolerateExisting (a resumed run), objects that already exist are accepted. Entries whose
    // dump id is in `skip` were restored already (by restorePostLoadEntries).
    void restorePostLoad(int jobs, bool tolerateExisting, const QSet<int> &skip = {});
    // Some of postLoadEntries() (e.g. one table's indexes and keys), `jobs` in parallel; `listName`
    // names the list file, so that concurrent callers do not share one.
    void restorePostLoadEntries(const QList<TocEntry> &entries, int jobs, bool tolerateExisting,
                                const QString &listName);
    // Foreign keys, triggers, rules, policies, refreshes, comments and grants on them.
    // With `keep`, only the entries it accepts.
    void restoreCutover(bool tolerateExisting, const std::function<bool(const TocEntry &)> &keep = {});
    // One table created on the source after the snapshot (the catalog watch found it): dumps it
    // as it is now (`pg_dump --table`, with the sequences it owns, its defaults, comments and
    // grants), restores it on the target in one transaction, then its indexes and primary, unique
    // and exclusion keys. Its foreign keys and triggers are left to the cutover, which makes the
    // ones the target lacks from the source's catalog. Returns what was restored, for the log.
    QStringList restoreTable(const QString &schema, const QString &name);

    // What a table filter leaves out that kept objects referred to (see TocFilter); empty
    // without a filter. Known once the archives are dumped (or found from an earlier run).
    QStringList filterNotes() const { return filter().notes(); }

    // Tablespaces the source's tables and indexes live in that the target lacks (Azure's flexible
    // server has none of its own). When there are any, every restore leaves tablespaces out
    // (`--no-tablespaces`): everything goes into the target database's default tablespace, as a
    // failing `SET default_tablespace` would otherwise stop the restore. Asked once.
    QStringList tablespacesMissingOnTarget() const;

    QList<TocEntry> postLoadEntries() const;
    QList<TocEntry> cutoverEntries() const;
    QList<TocEntry> skippedEntries() const;

private:
    QStringList commonRestoreArgs() const;
    void restoreList(const QList<TocEntry> &entries, const QString &listName, QStringList extraArgs,
                     bool tolerateExisting, const QString &what, const QString &archive = {});
    QString preDataFile() const;
    QString postDataFile() const;
    QList<TocEntry> postDataToc() const;
    // An archive's table of contents (`pg_restore --list`), as the table filter keeps it.
    QList<TocEntry> listToc(const QString &archive) const;
    // Writes a pg_restore -L list of `entries` into the work folder; returns its path.
    QString writeList(const QList<TocEntry> &entries, const QString &listName) const;
    QString filterFile() const;
    const TocFilter &filter() const;

    PgTools m_tools;
    pg::ConnInfo m_source;
    pg::ConnInfo m_target;
    project::SchemaOptions m_options;
    project::DatabaseSelection m_selection;
    QString m_dir;
    const std::atomic_bool *m_stop;
    // max_locks_per_transaction x (max_connections + max_prepared_transactions) on the target.
    int targetLockBudget() const;
    int m_preDataKept = 0;
    mutable QList<TocEntry> m_postToc;
    mutable std::optional<TocFilter> m_filter;
    mutable std::optional<QStringList> m_missingTablespaces;
};

// Thrown (as std::runtime_error) messages start with what failed and end with what to do.
} // namespace pgferry::schema
