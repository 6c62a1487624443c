#include "schema/schemamigrator.h"

#include "pg/error.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>
#include <array>
#include <stdexcept>
#include <thread>

namespace pgferry::schema {

namespace {

[[noreturn]] void fail(const QString &what, const ToolResult &r, const QString &advice = {})
{
    QString out = r.output.trimmed();
    if (out.size() > 4000)
        out = out.left(4000) + QStringLiteral(" …");
    QString msg = what + QStringLiteral(" failed (exit code %1): ").arg(r.exitCode) + out;
    if (!advice.isEmpty())
        msg += u' ' + advice;
    // The server went away or is restarting (a crash, a failover, a restart for maintenance):
    // the run resumes by itself, as it does when its own sessions lose the server.
    static const char *const kServerGone[] = {"connection to server",
                                              "could not connect to server",
                                              "server closed the connection",
                                              "terminating connection due to",
                                              "the database system is starting up",
                                              "the database system is shutting down",
                                              "the database system is in recovery mode",
                                              "no connection to the server",
                                              "could not receive data from server",
                                              "SSL SYSCALL error"};
    for (const char *p : kServerGone)
        if (out.contains(QLatin1String(p), Qt::CaseInsensitive))
            throw pg::Exception(pg::Error::client(pg::ErrorCategory::Connection, msg));
    throw std::runtime_error(msg.toStdString());
}

// A conninfo string naming only the database, for pg_restore -d: everything else (and the
// password) comes from the environment.
QString dbnameConninfo(const QString &db)
{
    QString escaped = db;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return QStringLiteral("dbname='%1'").arg(escaped);
}

// Errors a resumed restore may meet because an earlier attempt got that far.
bool onlyAlreadyExistsErrors(const QString &output)
{
    static const QRegularExpression errLine(QStringLiteral("ERROR:\\s+(.*)"));
    auto it = errLine.globalMatch(output);
    int errors = 0;
    while (it.hasNext()) {
        const QString m = it.next().captured(1);
        ++errors;
        if (!m.contains(u"already exists") && !m.contains(u"multiple primary keys"))
            return false;
    }
    return errors > 0;
}

} // namespace

SchemaMigrator::SchemaMigrator(PgTools tools, pg::ConnInfo source, pg::ConnInfo target,
                               project::SchemaOptions options, project::DatabaseSelection selection,
                               QString workDir, const std::atomic_bool *stop)
    : m_tools(std::move(tools)), m_source(std::move(source)), m_target(std::move(target)), m_options(options),
      m_selection(std::move(selection)), m_dir(std::move(workDir)), m_stop(stop)
{
    QDir().mkpath(m_dir);
}

QString SchemaMigrator::preDataFile() const
{
    return m_dir + QStringLiteral("/pre-data.dump");
}
QString SchemaMigrator::postDataFile() const
{
    return m_dir + QStringLiteral("/post-data.dump");
}
QString SchemaMigrator::filterFile() const
{
    return m_dir + QStringLiteral("/table-filter.json");
}

const TocFilter &SchemaMigrator::filter() const
{
    if (!m_filter) {
        QFile f(filterFile());
        m_filter = f.open(QIODevice::ReadOnly)
                       ? TocFilter::fromJson(QJsonDocument::fromJson(f.readAll()).object())
                       : TocFilter();
    }
    return *m_filter;
}

bool SchemaMigrator::haveArchives() const
{
    return QFile::exists(preDataFile()) && QFile::exists(postDataFile()) &&
           QFile::exists(m_dir + QStringLiteral("/dump.complete"));
}

void SchemaMigrator::dump(const QString &snapshot)
{
    QFile::remove(m_dir + QStringLiteral("/dump.complete"));
    QStringList base{QStringLiteral("--format=custom"), QStringLiteral("--no-publications"),
                     QStringLiteral("--no-subscriptions"), QStringLiteral("--exclude-schema=_pgferry")};
    if (!snapshot.isEmpty())
        base << QStringLiteral("--snapshot=") + snapshot;
    // A table filter: the whole schema is dumped, and the restores keep what the filter keeps
    // (pg_dump --table would leave out what the tables need, and keep keys to tables it skips).
    QFile::remove(filterFile());
    m_filter.reset();
    if (m_selection.filtered()) {
        pg::Connection c =
            pg::Connection::open(m_source, {.timeout = std::chrono::seconds(30), .cancel = m_stop});
        c.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ"));
        if (!snapshot.isEmpty())
            c.exec(QStringLiteral("SET TRANSACTION SNAPSHOT ") + c.quoteLiteral(snapshot));
        m_filter = TocFilter::read(c, m_selection);
        c.exec(QStringLiteral("COMMIT"));
        QSaveFile f(filterFile());
        if (!f.open(QIODevice::WriteOnly) ||
            f.write(QJsonDocument(m_filter->toJson()).toJson(QJsonDocument::Compact)) < 0 || !f.commit())
            throw std::runtime_error(QStringLiteral("cannot write %1").arg(filterFile()).toStdString());
    }
    // Both sections at once: two pg_dump processes on the same snapshot.
    const std::array<std::pair<QString, QString>, 2> sections{
        std::pair{QStringLiteral("pre-data"), preDataFile()},
        std::pair{QStringLiteral("post-data"), postDataFile()}};
    std::array<ToolResult, 2> results;
    std::thread other([&] {
        QStringList args = base;
        args << QStringLiteral("--section=") + sections[1].first
             << QStringLiteral("--file=") + sections[1].second;
        results[1] = m_tools.run(QStringLiteral("pg_dump"), args, m_source, m_stop);
    });
    {
        QStringList args = base;
        args << QStringLiteral("--section=") + sections[0].first
             << QStringLiteral("--file=") + sections[0].second;
        results[0] = m_tools.run(QStringLiteral("pg_dump"), args, m_source, m_stop);
    }
    other.join();
    for (std::size_t i = 0; i < 2; ++i)
        if (!results[i].ok())
            fail(QStringLiteral("pg_dump --section=%1 of database %2")
                     .arg(sections[i].first, m_source.database),
                 results[i], QStringLiteral("Check that the user may read every object of the database."));
    QFile done(m_dir + QStringLiteral("/dump.complete"));
    done.open(QIODevice::WriteOnly);
    m_postToc.clear();
}

QStringList SchemaMigrator::tablespacesMissingOnTarget() const
{
    if (m_missingTablespaces)
        return *m_missingTablespaces;
    const auto names = [this](const pg::ConnInfo &info, const QString &sql) {
        pg::Connection c =
            pg::Connection::open(info, {.timeout = std::chrono::seconds(30), .cancel = m_stop});
        pg::Result r = c.exec(sql);
        QStringList out;
        for (int i = 0; i < r.rows(); ++i)
            out << r.text(i, 0);
        return out;
    };
    const QStringList used =
        names(m_source,
              QStringLiteral("SELECT DISTINCT t.spcname FROM pg_class c JOIN pg_tablespace t ON t.oid = "
                             "c.reltablespace JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                             "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_' "
                             "ORDER BY 1"));
    QStringList missing;
    if (!used.isEmpty()) {
        const QStringList have = names(m_target, QStringLiteral("SELECT spcname FROM pg_tablespace"));
        for (const QString &t : used)
            if (!have.contains(t))
                missing << t;
    }
    m_missingTablespaces = missing;
    return missing;
}

QStringList SchemaMigrator::commonRestoreArgs() const
{
    QStringList a{QStringLiteral("--dbname=") + dbnameConninfo(m_target.database)};
    if (!tablespacesMissingOnTarget().isEmpty())
        a << QStringLiteral("--no-tablespaces");
    if (m_options.noOwner)
        a << QStringLiteral("--no-owner");
    if (m_options.noAcl)
        a << QStringLiteral("--no-acl");
    return a;
}

QList<TocEntry> SchemaMigrator::listToc(const QString &archive) const
{
    const ToolResult r =
        m_tools.run(QStringLiteral("pg_restore"), {QStringLiteral("--list"), archive}, {}, m_stop);
    if (!r.ok())
        fail(QStringLiteral("pg_restore --list of %1").arg(archive), r);
    return filter().kept(parseToc(r.output));
}

QString SchemaMigrator::writeList(const QList<TocEntry> &entries, const QString &listName) const
{
    const QString listFile = m_dir + u'/' + listName;
    QFile f(listFile);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(tocListing(entries).toUtf8()) < 0)
        throw std::runtime_error(QStringLiteral("cannot write %1").arg(listFile).toStdString());
    return listFile;
}

QList<TocEntry> SchemaMigrator::postDataToc() const
{
    if (m_postToc.isEmpty())
        m_postToc = listToc(postDataFile());
    return m_postToc;
}

QList<TocEntry> SchemaMigrator::postLoadEntries() const
{
    QList<TocEntry> out;
    for (const TocEntry &e : postDataToc())
        if (classifyPostData(e) == TocGroup::PostLoad)
            out << e;
    return out;
}

QList<TocEntry> SchemaMigrator::cutoverEntries() const
{
    QList<TocEntry> out;
    for (const TocEntry &e : postDataToc())
        if (classifyPostData(e) == TocGroup::Cutover)
            out << e;
    return out;
}

QList<TocEntry> SchemaMigrator::skippedEntries() const
{
    QList<TocEntry> out;
    for (const TocEntry &e : postDataToc())
        if (classifyPostData(e) == TocGroup::Skip)
            out << e;
    return out;
}

namespace {

// Lock table entries a pre-data entry takes until its transaction ends: a table its own, its TOAST
// table's and that one's index; a view or materialized view two (its rule, or its TOAST table); a
// sequence one. What else pre-data makes (types, functions, defaults, grants) locks objects those
// hold already, or none that stay in the shared lock table.
int locksTaken(const TocEntry &e)
{
    if (e.desc == u"TABLE" || e.desc == u"FOREIGN TABLE")
        return 3;
    if (e.desc == u"VIEW" || e.desc == u"MATERIALIZED VIEW")
        return 2;
    if (e.desc == u"SEQUENCE")
        return 1;
    return 0;
}

} // namespace

int SchemaMigrator::targetLockBudget() const
{
    pg::Connection c =
        pg::Connection::open(m_target, {.timeout = std::chrono::seconds(30), .cancel = m_stop});
    return c
        .exec(QStringLiteral("SELECT current_setting('max_locks_per_transaction')::int * "
                             "(current_setting('max_connections')::int + "
                             "current_setting('max_prepared_transactions')::int)"))
        .toInt(0, 0);
}

int SchemaMigrator::restorePreData()
{
    m_preDataKept = 0;
    const QList<TocEntry> toc = listToc(preDataFile());
    int locks = 0;
    for (const TocEntry &e : toc)
        locks += locksTaken(e);
    // One transaction, all or nothing, when its locks fit well within the target's shared lock table
    // (other sessions use it too). A database of thousands of tables would run out of it ("out of
    // shared memory"): it is restored in batches of consecutive entries (the archive lists them in
    // dependency order), each its own transaction. Overwriting drops every object before it is
    // made, which batches cannot order: that stays one transaction.
    const int budget = locks > 64 && !m_options.overwrite ? targetLockBudget() : 0;
    if (budget <= 0 || locks <= budget / 2) {
        QStringList args = commonRestoreArgs();
        args << QStringLiteral("--single-transaction") << QStringLiteral("--exit-on-error");
        if (m_options.overwrite)
            args << QStringLiteral("--clean") << QStringLiteral("--if-exists");
        if (filter().active())
            args << QStringLiteral("--use-list=") + writeList(toc, QStringLiteral("pre-data.list"));
        args << preDataFile();
        const ToolResult r = m_tools.run(QStringLiteral("pg_restore"), args, m_target, m_stop);
        if (!r.ok())
            fail(QStringLiteral("restoring the schema (pre-data) into database %1").arg(m_target.database), r,
                 QStringLiteral(
                     "Nothing was kept: the restore runs in one transaction. Fix the cause (a missing "
                     "extension or role on the target, objects that already exist: choose overwrite, "
                     "or out of shared memory: raise max_locks_per_transaction on the target) and run "
                     "again."));
        return 1;
    }
    const int perBatch = std::max(100, budget / 4);
    QList<QList<TocEntry>> batches{{}};
    int inBatch = 0;
    for (const TocEntry &e : toc) {
        if (inBatch + locksTaken(e) > perBatch && !batches.last().isEmpty()) {
            batches.append(QList<TocEntry>{});
            inBatch = 0;
        }
        batches.last() << e;
        inBatch += locksTaken(e);
    }
    for (qsizetype i = 0; i < batches.size(); ++i) {
        QStringList args = commonRestoreArgs();
        args << QStringLiteral("--single-transaction") << QStringLiteral("--exit-on-error")
             << QStringLiteral("--use-list=") + writeList(batches[i], QStringLiteral("pre-data-batch.list"))
             << preDataFile();
        const ToolResult r = m_tools.run(QStringLiteral("pg_restore"), args, m_target, m_stop);
        if (!r.ok())
            fail(QStringLiteral("restoring the schema (pre-data) into database %1, batch %2 of %3")
                     .arg(m_target.database)
                     .arg(i + 1)
                     .arg(batches.size()),
                 r,
                 QStringLiteral(
                     "Its %1 objects need about %2 locks at once, more than the target's lock table "
                     "holds (max_locks_per_transaction x connections = %3), so they are restored in "
                     "batches of one transaction each. %4")
                     .arg(toc.size())
                     .arg(locks)
                     .arg(budget)
                     .arg(i == 0 ? QStringLiteral("Nothing was kept. Fix the cause and run again.")
                                 : QStringLiteral(
                                       "The first %1 batches were kept: a database pgferry created is "
                                       "made again by the next run; otherwise empty it first. Fix "
                                       "the cause and run again.")
                                       .arg(i)));
        m_preDataKept = int(i + 1);
    }
    return int(batches.size());
}

void SchemaMigrator::restoreList(const QList<TocEntry> &entries, const QString &listName,
                                 QStringList extraArgs, bool tolerateExisting, const QString &what,
                                 const QString &archive)
{
    if (entries.isEmpty())
        return;
    const QString listFile = writeList(entries, listName);
    QStringList args = commonRestoreArgs();
    args << extraArgs << QStringLiteral("--use-list=") + listFile;
    if (!tolerateExisting)
        args << QStringLiteral("--exit-on-error");
    args << (archive.isEmpty() ? postDataFile() : archive);
    const ToolResult r = m_tools.run(QStringLiteral("pg_restore"), args, m_target, m_stop);
    if (r.ok())
        return;
    if (tolerateExisting && onlyAlreadyExistsErrors(r.output))
        return;
    fail(what, r,
         QStringLiteral("Fix the cause and run again: what was created is kept and not created twice."));
}

void SchemaMigrator::restorePostLoad(int jobs, bool tolerateExisting, const QSet<int> &skip)
{
    QList<TocEntry> entries;
    for (const TocEntry &e : postLoadEntries())
        if (!skip.contains(e.dumpId))
            entries << e;
    restorePostLoadEntries(entries, jobs, tolerateExisting, QStringLiteral("post-load.list"));
}

void SchemaMigrator::restorePostLoadEntries(const QList<TocEntry> &entries, int jobs, bool tolerateExisting,
                                            const QString &listName)
{
    QStringList extra;
    // pg_restore -j runs one entry per connection: more jobs than entries only costs connections.
    jobs = std::min<int>(jobs, int(entries.size()));
    if (jobs > 1)
        extra << QStringLiteral("--jobs=%1").arg(jobs);
    restoreList(entries, listName, extra, tolerateExisting,
                QStringLiteral("building indexes and keys in database %1").arg(m_target.database));
}

void SchemaMigrator::restoreCutover(bool tolerateExisting, const std::function<bool(const TocEntry &)> &keep)
{
    QList<TocEntry> entries;
    for (const TocEntry &e : cutoverEntries())
        if (!keep || keep(e))
            entries << e;
    restoreList(
        entries, QStringLiteral("cutover.list"), {}, tolerateExisting,
        QStringLiteral("creating foreign keys, triggers and refreshing materialized views in database %1")
            .arg(m_target.database));
}

QStringList SchemaMigrator::restoreTable(const QString &schema, const QString &name)
{
    // An exact name for --table: inside double quotes a pattern's special characters are literal.
    const auto quoted = [](QString id) {
        return QStringLiteral("\"%1\"").arg(id.replace(u'"', QStringLiteral("\"\"")));
    };
    const QString dir = m_dir + QStringLiteral("/tables");
    QDir().mkpath(dir);
    const QString base = dir + QStringLiteral("/t%1").arg(qHash(schema + u'.' + name), 0, 16);
    const QString pre = base + QStringLiteral("-pre.dump");
    const QString post = base + QStringLiteral("-post.dump");
    const QString object = quoted(schema) + u'.' + quoted(name);
    for (const auto &[section, file] :
         {std::pair{QStringLiteral("pre-data"), pre}, std::pair{QStringLiteral("post-data"), post}}) {
        const ToolResult r =
            m_tools.run(QStringLiteral("pg_dump"),
                        {QStringLiteral("--format=custom"), QStringLiteral("--no-publications"),
                         QStringLiteral("--no-subscriptions"), QStringLiteral("--table=") + object,
                         // An application's lock on the table fails the dump, to be tried again, rather
                         // than holding the stream's watch.
                         QStringLiteral("--lock-wait-timeout=5000"), QStringLiteral("--section=") + section,
                         QStringLiteral("--file=") + file},
                        m_source, m_stop, 600);
        if (!r.ok())
            fail(QStringLiteral("pg_dump --table=%1 --section=%2").arg(object, section), r,
                 QStringLiteral("Check that the user may read the table."));
    }
    QStringList restored;
    const auto listed = [&](const QString &archive) {
        const ToolResult r =
            m_tools.run(QStringLiteral("pg_restore"), {QStringLiteral("--list"), archive}, {}, m_stop);
        if (!r.ok())
            fail(QStringLiteral("pg_restore --list of %1").arg(archive), r);
        return parseToc(r.output);
    };
    for (const TocEntry &e : listed(pre))
        restored << e.desc + u' ' + e.rest;
    QStringList args = commonRestoreArgs();
    args << QStringLiteral("--single-transaction") << QStringLiteral("--exit-on-error") << pre;
    const ToolResult r = m_tools.run(QStringLiteral("pg_restore"), args, m_target, m_stop, 600);
    if (!r.ok())
        fail(QStringLiteral("creating %1 on the target").arg(object), r,
             QStringLiteral("Nothing of it was kept. Create it on the target by hand (as the source has "
                            "it), then copy it (pgferry-cli resync)."));
    QList<TocEntry> keys;
    for (const TocEntry &e : listed(post))
        if (classifyPostData(e) == TocGroup::PostLoad) {
            keys << e;
            restored << e.desc + u' ' + e.rest;
        }
    // A partition's indexes may exist already: attaching it made them from its parent's.
    restoreList(keys, QStringLiteral("table-keys.list"), {}, true,
                QStringLiteral("building the indexes and keys of %1 on the target").arg(object), post);
    return restored;
}

} // namespace pgferry::schema
