#include "engine/abandon.h"

#include "cdc/applier.h"
#include "cdc/ddlcapture.h"
#include "cutover/readonly.h"
#include "engine/fallback.h"
#include "engine/journal.h"
#include "pg/connection.h"
#include "pg/error.h"
#include "pg/maintenance.h"
#include "pg/version.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QMap>
#include <QThread>
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

namespace pgferry::engine {

using namespace std::chrono_literals;

namespace {

const QString kReadOnly = QStringLiteral("read-only switch");
const QString kSlot = QStringLiteral("replication slot");
const QString kCapture = QStringLiteral("schema-change capture");
const QString kPublication = QStringLiteral("publication");
const QString kOrigin = QStringLiteral("replication origin");
const QString kSchema = QStringLiteral("schema");
const QString kTargetDatabase = QStringLiteral("target database");
const QString kStateFolder = QStringLiteral("run state folder");

// Whether the database carries ALTER DATABASE ... SET default_transaction_read_only = on.
const QString kReadOnlySql = QStringLiteral(
    "SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase, "
    "unnest(s.setconfig) c WHERE d.datname = $1 AND s.setrole = 0 "
    "AND lower(c) ~ '^default_transaction_read_only=(on|true|yes|1)$')");

// An error as a clause inside a sentence of ours: without its own closing full stop.
QString clause(const pg::Error &e)
{
    QString t = e.toString().trimmed();
    while (t.endsWith(u'.'))
        t.chop(1);
    return t;
}

pg::Connection openTo(const pg::ConnInfo &info)
{
    pg::Connection c = pg::Connection::open(info, {.timeout = 15s});
    c.setStatementTimeout(60s);
    return c;
}

// A source session that may write in a database a cutover made read-only.
pg::Connection openSource(const AbandonInput &in, const QString &db)
{
    pg::Connection c = openTo(in.source.withDatabase(db));
    c.exec(QStringLiteral("SET default_transaction_read_only = off"));
    return c;
}

// The target's maintenance connection, never to `avoid` (a database about to be dropped).
pg::Connection openTargetMaintenance(const AbandonInput &in, const QString &avoid = {})
{
    pg::ConnInfo used;
    pg::Connection c = pg::openMaintenance(in.target, openTo, &used);
    if (!avoid.isEmpty() && used.database == avoid) {
        c.close();
        c = pg::openMaintenance(in.target.withDatabase(QStringLiteral("postgres")), openTo);
    }
    return c;
}

// For the statements shown to people to run by hand (and when no connection is open to quote
// with); what pgferry runs itself is quoted by the connection.
QString quoteIdent(const QString &name)
{
    return u'"' + QString(name).replace(u'"', QStringLiteral("\"\"")) + u'"';
}

QString quoteLiteral(const QString &value)
{
    return u'\'' + QString(value).replace(u'\'', QStringLiteral("''")) + u'\'';
}

// The folder holds more than the lock file that a `pgferry-cli abandon` or `run` writes.
bool stateFolderHoldsAnything(const QString &dir)
{
    if (dir.isEmpty() || !QDir(dir).exists())
        return false;
    const QStringList entries = QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    return std::any_of(entries.begin(), entries.end(), [](const QString &e) { return e != u"run.pid"; });
}

AbandonItem item(AbandonItem::Where where, const QString &database, const QString &kind, const QString &name,
                 const QString &detail, const QString &removeSql)
{
    AbandonItem i;
    i.where = where;
    i.database = database;
    i.kind = kind;
    i.name = name;
    i.detail = detail;
    i.removeSql = removeSql;
    return i;
}

using W = AbandonItem::Where;

// The read-only switch: only the one pgferry's cutover set, and not after a completed cutover (then
// the old source stays read-only on purpose: the applications moved).
void planReadOnly(pg::Connection &c, const Journal &journal, bool journalRead, const QString &db,
                  AbandonPlan &plan)
{
    if (!c.exec(kReadOnlySql, {db}).toBool(0, 0))
        return;
    const QString resetSql = cutover::writableSql(c, db);
    if (journal.done(db, QStringLiteral("done")) || journal.done(db, QStringLiteral("cutover_complete")))
        plan.notes
            << QStringLiteral(
                   "source database %1 stays read-only: its cutover completed and the applications use "
                   "the target now (%2 makes it writable)")
                   .arg(db, resetSql);
    else if (journal.done(db, QStringLiteral("source_read_only")))
        plan.items << item(W::Source, db, kReadOnly, db,
                           QStringLiteral("default_transaction_read_only = on, set by pgferry's cutover"),
                           resetSql);
    else
        plan.notes
            << QStringLiteral(
                   "source database %1 is read-only, but %2 pgferry set it: left as it is (%3 makes it "
                   "writable)")
                   .arg(db,
                        journalRead ? QStringLiteral("the run journal does not say that")
                                    : QStringLiteral("without the run journal nothing says that"),
                        resetSql);
}

// The project's replication slots in this database: the migration's, the one a resumed load takes
// its snapshot from, and any left under another index (the project's list of databases changed).
void planSlots(pg::Connection &c, const QString &db, const QString &prefix, AbandonPlan &plan)
{
    const int v = c.serverVersion();
    const QString sql =
        QStringLiteral("SELECT slot_name, active, %1, pg_size_pretty(%2) FROM pg_replication_slots "
                       "WHERE database = current_database() AND left(slot_name, length($1)) = $1 "
                       "ORDER BY slot_name")
            .arg(v >= 90500 ? QStringLiteral("coalesce(active_pid::text, '')") : QStringLiteral("''"),
                 pg::slotRetainedWalSql(v));
    const pg::Params params{prefix};
    pg::Result slots = c.exec(sql, params);
    // A slot in use means something streams from it: a run of this project that this machine's
    // lock file does not show (the desktop app, another machine) or another program. The walsender
    // of a run that just stopped lets go within moments.
    const auto anyActive = [](const pg::Result &r) {
        for (int i = 0; i < r.rows(); ++i)
            if (r.toBool(i, 1))
                return true;
        return false;
    };
    for (int wait = 0; wait < 50 && anyActive(slots); ++wait) {
        QThread::msleep(100);
        slots = c.exec(sql, params);
    }
    for (int r = 0; r < slots.rows(); ++r) {
        if (slots.toBool(r, 1)) {
            plan.inUse = true;
            plan.problems << QStringLiteral(
                                 "the replication slot %1 on source database %2 is in use%3: a run of this "
                                 "project (in the desktop app, or on another machine) or another program "
                                 "streams from it. Nothing was removed: stop that, then run abandon again")
                                 .arg(slots.text(r, 0), db,
                                      slots.text(r, 2).isEmpty()
                                          ? QString()
                                          : QStringLiteral(" (by server process %1)").arg(slots.text(r, 2)));
        }
        QString detail = QStringLiteral("inactive");
        if (slots.toBool(r, 1))
            detail = slots.text(r, 2).isEmpty() ? QStringLiteral("active")
                                                : QStringLiteral("active, pid ") + slots.text(r, 2);
        if (!slots.isNull(r, 3))
            detail += QStringLiteral(", holds %1 of WAL").arg(slots.text(r, 3));
        plan.items << item(
            W::Source, db, kSlot, slots.text(r, 0), detail,
            QStringLiteral("SELECT pg_drop_replication_slot(%1)").arg(quoteLiteral(slots.text(r, 0))));
    }
}

// The schema-change capture: its event triggers, tables and functions (all named after the
// migration), and schema _pgferry when nothing else is in it.
void planCapture(pg::Connection &c, const QString &db, const QString &name, AbandonPlan &plan)
{
    const cdc::DdlCaptureNames names{name};
    pg::Result cap = c.exec(
        QStringLiteral("SELECT (SELECT count(*) FROM pg_event_trigger WHERE evtname = $1 OR evtname = $2), "
                       "(SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
                       " WHERE n.nspname = '_pgferry' AND k.relkind IN ('r', 'p') AND (k.relname = $3 OR "
                       "k.relname = $4)), "
                       "(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       " WHERE n.nspname = '_pgferry' AND left(p.proname, length($5)) = $5), "
                       "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '_pgferry'), "
                       "(SELECT count(*) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
                       " WHERE n.nspname = '_pgferry' AND k.relkind IN ('r', 'p') AND k.relname <> $3 AND "
                       "k.relname <> $4) + "
                       "(SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       " WHERE n.nspname = '_pgferry' AND left(p.proname, length($5)) <> $5)"),
        {names.ddlTrigger(), names.dropTrigger(), names.logTable(), names.stateTable(),
         QString(name + u'_')});
    const qint64 triggers = cap.toInt(0, 0), tables = cap.toInt(0, 1), functions = cap.toInt(0, 2);
    const bool schemaExists = cap.toBool(0, 3);
    const qint64 others = cap.toInt(0, 4);
    if (triggers + tables + functions > 0 || (schemaExists && others == 0)) {
        QStringList parts;
        if (triggers > 0)
            parts << QStringLiteral("event triggers %1 and %2").arg(names.ddlTrigger(), names.dropTrigger());
        if (tables + functions > 0)
            parts
                << QStringLiteral("%1 tables and %2 functions in schema _pgferry").arg(tables).arg(functions);
        parts << (others == 0
                      ? QStringLiteral("schema _pgferry")
                      : QStringLiteral("schema _pgferry stays: it holds %1 objects of other migrations")
                            .arg(others));
        plan.items << item(W::Source, db, kCapture, name, parts.join(QStringLiteral(", ")),
                           cdc::ddlCaptureRemoveSql(names).join(QStringLiteral(";\n")));
    } else if (schemaExists) {
        plan.notes << QStringLiteral(
                          "source database %1: schema _pgferry holds %2 objects of other migrations (other "
                          "projects): left as it is")
                          .arg(db)
                          .arg(others);
    }
}

void planSource(const AbandonInput &in, const Journal &journal, bool journalRead,
                const project::DatabaseSelection &db, const QString &name, AbandonPlan &plan)
{
    std::optional<pg::Connection> c;
    try {
        c.emplace(openSource(in, db.name));
    } catch (const pg::Exception &ex) {
        if (ex.error().sqlstate == u"3D000") {
            plan.notes << QStringLiteral(
                              "source database %1 does not exist: nothing of pgferry's can be in it")
                              .arg(db.name);
            return;
        }
        plan.problems
            << QStringLiteral(
                   "cannot connect to source database %1: %2. Nothing in it was looked at or removed: "
                   "make it reachable and run abandon again")
                   .arg(db.name, clause(ex.error()));
        return;
    }
    try {
        planReadOnly(*c, journal, journalRead, db.name, plan); // first: the applications wait for it
        const QString prefix = project::migrationObjectPrefix(in.project.id);
        planSlots(*c, db.name, prefix, plan);
        planCapture(*c, db.name, name, plan); // before the publication: its trigger names it
        if (c->serverVersion() >= 100000) {
            pg::Result pubs = c->exec(QStringLiteral("SELECT pubname FROM pg_publication WHERE left(pubname, "
                                                     "length($1)) = $1 ORDER BY pubname"),
                                      {prefix});
            for (int r = 0; r < pubs.rows(); ++r)
                plan.items << item(W::Source, db.name, kPublication, pubs.text(r, 0), {},
                                   QStringLiteral("DROP PUBLICATION %1").arg(c->quoteIdent(pubs.text(r, 0))));
        }
        // The fallback's origin: the stream back from the target applies into the source.
        const QString fb = fallbackObjectName(name);
        if (c->exec(QStringLiteral("SELECT 1 FROM pg_replication_origin WHERE roname = $1"), {fb}).rows() > 0)
            plan.items << item(W::Source, db.name, kOrigin, fb,
                               QStringLiteral("records how far the fallback stream was applied back"),
                               QStringLiteral("SELECT pg_replication_origin_drop(%1)").arg(quoteLiteral(fb)));
    } catch (const pg::Exception &ex) {
        plan.problems << QStringLiteral(
                             "could not read the catalogs of source database %1: %2. Nothing in it was "
                             "removed: fix that (a superuser sees everything) and run abandon again")
                             .arg(db.name, clause(ex.error()));
    }
}

void planTarget(const AbandonInput &in, const Journal &journal, bool journalRead,
                const project::DatabaseSelection &db, const QString &name, AbandonPlan &plan)
{
    const QString tname = db.effectiveTarget();
    bool exists = false;
    bool dropping = false;
    try {
        pg::Connection admin = openTargetMaintenance(in);
        // The origin is in a shared catalog: it outlives the database it was made in.
        if (admin.exec(QStringLiteral("SELECT 1 FROM pg_replication_origin WHERE roname = $1"), {name})
                .rows() > 0)
            plan.items << item(
                W::Target, tname, kOrigin, name, QStringLiteral("records how far the stream was applied"),
                QStringLiteral("SELECT pg_replication_origin_drop(%1)").arg(quoteLiteral(name)));
        exists =
            admin.exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"), {tname}).rows() > 0;
        if (exists && in.dropTarget) {
            AbandonItem d = item(W::Target, tname, kTargetDatabase, tname, {},
                                 QStringLiteral("DROP DATABASE %1").arg(admin.quoteIdent(tname)));
            if (journal.done(db.name, QStringLiteral("done")) ||
                journal.done(db.name, QStringLiteral("cutover_complete"))) {
                d.refused = true;
                d.refusedWhy =
                    QStringLiteral("the migration of %1 completed: the applications use this database now. "
                                   "pgferry does not drop it")
                        .arg(db.name);
            } else if (!journal.done(db.name, QStringLiteral("target_created"))) {
                d.refused = true;
                d.refusedWhy =
                    QStringLiteral("pgferry did not create it (%1): it is left as it is; drop it yourself "
                                   "with %2 if that is what you mean")
                        .arg(journalRead ? QStringLiteral("the run journal does not record that it did")
                                         : QStringLiteral("there is no run journal to say it did"),
                             d.removeSql);
            } else {
                d.detail = QStringLiteral("created by pgferry for source database %1, with everything in it")
                               .arg(db.name);
                dropping = true;
            }
            plan.items << d;
        }
    } catch (const pg::Exception &ex) {
        plan.problems << QStringLiteral(
                             "cannot look at the target server: %1. Nothing on it was looked at or removed: "
                             "make it reachable and run abandon again")
                             .arg(clause(ex.error()));
        return;
    }
    if (!exists)
        return;
    // The fallback's slot and publication on the target (a slot would also stop DROP DATABASE).
    try {
        pg::Connection t = openTo(in.target.withDatabase(tname));
        const QString fb = fallbackObjectName(name);
        pg::Result s =
            t.exec(QStringLiteral("SELECT active FROM pg_replication_slots WHERE slot_name = $1"), {fb});
        for (int wait = 0; wait < 50 && s.rows() > 0 && s.toBool(0, 0); ++wait) {
            QThread::msleep(100);
            s = t.exec(QStringLiteral("SELECT active FROM pg_replication_slots WHERE slot_name = $1"), {fb});
        }
        if (s.rows() > 0) {
            if (s.toBool(0, 0)) {
                plan.inUse = true;
                plan.problems
                    << QStringLiteral(
                           "the fallback's replication slot %1 on target database %2 is in use: a run "
                           "of this project streams the target's writes back. Nothing was removed: "
                           "stop it (or end the fallback with `pgferry-cli fallback end`), then run "
                           "abandon again")
                           .arg(fb, tname);
            }
            plan.items << item(W::Target, tname, kSlot, fb,
                               QStringLiteral("the fallback's: holds the target's WAL until it is read"),
                               QStringLiteral("SELECT pg_drop_replication_slot(%1)").arg(quoteLiteral(fb)));
        }
        if (t.serverVersion() >= 100000 &&
            t.exec(QStringLiteral("SELECT 1 FROM pg_publication WHERE pubname = $1"), {fb}).rows() > 0)
            plan.items << item(W::Target, tname, kPublication, fb, QStringLiteral("the fallback's"),
                               QStringLiteral("DROP PUBLICATION %1").arg(t.quoteIdent(fb)));
    } catch (const pg::Exception &ex) {
        plan.problems << QStringLiteral(
                             "cannot look at target database %1: %2. Nothing in it was looked at or removed: "
                             "make it reachable and run abandon again")
                             .arg(tname, clause(ex.error()));
        return;
    }
    if (dropping)
        return;
    try {
        pg::Connection t = openTo(in.target.withDatabase(tname));
        if (t.exec(QStringLiteral("SELECT 1 FROM pg_namespace WHERE nspname = '_pgferry'")).rows() > 0)
            plan.items << item(
                W::Target, tname, kSchema, QStringLiteral("_pgferry"),
                QStringLiteral("pgferry's bookkeeping on the target: load progress, carried schema changes"),
                QStringLiteral("DROP SCHEMA _pgferry CASCADE"));
    } catch (const pg::Exception &ex) {
        plan.problems << QStringLiteral(
                             "cannot look at target database %1: %2. Nothing in it was looked at or removed: "
                             "make it reachable and run abandon again")
                             .arg(tname, clause(ex.error()));
    }
}

// Open connections while removing, one per server and database.
class Sessions
{
public:
    explicit Sessions(const AbandonInput &in) : m_in(in) {}
    pg::Connection &source(const QString &db)
    {
        auto it = m_source.find(db);
        if (it == m_source.end())
            it = m_source.emplace(db, openSource(m_in, db)).first;
        return it->second;
    }
    pg::Connection &targetMaintenance(const QString &avoid)
    {
        if (m_admin && m_adminAvoids != avoid)
            m_admin.reset();
        if (!m_admin) {
            m_admin.emplace(openTargetMaintenance(m_in, avoid));
            m_adminAvoids = avoid;
        }
        return *m_admin;
    }
    pg::Connection &target(const QString &db)
    {
        auto it = m_target.find(db);
        if (it == m_target.end())
            it = m_target.emplace(db, openTo(m_in.target.withDatabase(db))).first;
        return it->second;
    }
    void forgetTarget(const QString &db) { m_target.erase(db); }

private:
    const AbandonInput &m_in;
    std::map<QString, pg::Connection> m_source, m_target;
    std::optional<pg::Connection> m_admin;
    QString m_adminAvoids;
};

QString dropSlot(pg::Connection &c, const QString &slot)
{
    // A walsender that streamed a moment ago may still hold the slot.
    QString pid;
    for (int attempt = 0; attempt < 100; ++attempt) {
        pg::Result r =
            c.exec(QStringLiteral("SELECT active, %1 FROM pg_replication_slots WHERE slot_name = $1")
                       .arg(c.serverVersion() >= 90500 ? QStringLiteral("coalesce(active_pid::text, '')")
                                                       : QStringLiteral("''")),
                   {slot});
        if (r.rows() == 0)
            return {};
        pid = r.text(0, 1);
        if (!r.toBool(0, 0)) {
            pg::Result ignored;
            if (auto err =
                    c.tryExec(QStringLiteral("SELECT pg_drop_replication_slot($1)"), {slot}, &ignored)) {
                // Taken again between the two statements: wait and look again.
                if (err->sqlstate != u"55006")
                    return clause(*err);
            }
        }
        QThread::msleep(100);
    }
    return QStringLiteral("it stayed in use%1 for 10 s: a run of this project elsewhere, or another program, "
                          "streams from "
                          "it. Stop that, then run abandon again")
        .arg(pid.isEmpty() ? QString() : QStringLiteral(" (by server process %1)").arg(pid));
}

QString dropTargetDatabase(pg::Connection &admin, const QString &db)
{
    // Sessions still in it (a dashboard, a psql) would make DROP DATABASE fail: end them first.
    QString last;
    for (int attempt = 0; attempt < 50; ++attempt) {
        admin.tryExec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = $1 AND pid <> pg_backend_pid()"),
                      {db});
        auto err = admin.tryExec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(admin.quoteIdent(db)));
        if (!err)
            return {};
        last = clause(*err);
        if (err->sqlstate != u"55006") // object in use
            break;
        QThread::msleep(200);
    }
    return last;
}

void removeItem(Journal &journal, bool journalRead, Sessions &sessions, AbandonItem &it)
{
    QString error;
    try {
        if (it.kind == kReadOnly) {
            pg::Connection &c = sessions.source(it.database);
            c.exec(cutover::writableSql(c, it.database));
            if (journalRead) {
                journal.clearDone(it.database, QStringLiteral("source_read_only"));
                journal.setValue(it.database, QStringLiteral("source_writable"),
                                 QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
                QString jerr;
                if (!journal.save(&jerr))
                    error = QStringLiteral(
                                "the database is writable again, but the run journal could not record it: %1")
                                .arg(jerr);
            }
        } else if (it.kind == kSlot) {
            error = dropSlot(
                it.where == W::Target ? sessions.target(it.database) : sessions.source(it.database), it.name);
        } else if (it.kind == kCapture) {
            pg::Connection &c = sessions.source(it.database);
            for (const QString &st : cdc::ddlCaptureRemoveSql(cdc::DdlCaptureNames{it.name}))
                c.exec(st);
        } else if (it.kind == kPublication) {
            pg::Connection &c =
                it.where == W::Target ? sessions.target(it.database) : sessions.source(it.database);
            c.exec(QStringLiteral("DROP PUBLICATION IF EXISTS %1").arg(c.quoteIdent(it.name)));
        } else if (it.kind == kOrigin) {
            cdc::Applier::dropOrigin(it.where == W::Source ? sessions.source(it.database)
                                                           : sessions.targetMaintenance({}),
                                     it.name);
        } else if (it.kind == kSchema && it.where == W::Target) {
            sessions.target(it.database).exec(QStringLiteral("DROP SCHEMA IF EXISTS _pgferry CASCADE"));
        } else if (it.kind == kTargetDatabase) {
            sessions.forgetTarget(it.database);
            error = dropTargetDatabase(sessions.targetMaintenance(it.database), it.database);
        } else {
            error = QStringLiteral("pgferry does not know how to remove a %1").arg(it.kind);
        }
    } catch (const pg::Exception &ex) {
        error = clause(ex.error());
    } catch (const std::exception &ex) {
        error = QString::fromUtf8(ex.what());
    }
    if (error.isEmpty()) {
        it.removed = true;
        return;
    }
    it.error = QStringLiteral("could not remove the %1 %2 (%3 database %4): %5")
                   .arg(it.kind, it.name, it.whereName(), it.database, error);
    if (!it.removeSql.isEmpty() && it.kind != kSlot)
        it.error += QStringLiteral(". Fix that and run abandon again, or remove it yourself there with: %1")
                        .arg(it.removeSql);
    else if (!it.removeSql.isEmpty())
        it.error += QStringLiteral(" (by hand: %1)").arg(it.removeSql);
}

} // namespace

QString AbandonItem::whereName() const
{
    switch (where) {
    case Where::Source:
        return QStringLiteral("source");
    case Where::Target:
        return QStringLiteral("target");
    case Where::Local:
        break;
    }
    return QStringLiteral("local");
}

QString AbandonItem::describe() const
{
    QString s;
    if (where == Where::Local)
        s = QStringLiteral("this machine: %1 %2").arg(kind, name);
    else if (kind == kTargetDatabase)
        s = QStringLiteral("target server: database %1").arg(name);
    else if (kind == kOrigin) // a shared catalog: the server's, not the database's
        s = QStringLiteral("%1 server: %2 %3").arg(whereName(), kind, name);
    else
        s = QStringLiteral("%1 database %2: %3 %4").arg(whereName(), database, kind, name);
    if (!detail.isEmpty())
        s += QStringLiteral(" (%1)").arg(detail);
    return s;
}

QJsonObject AbandonItem::toJson() const
{
    QJsonObject o{{QStringLiteral("server"), whereName()}, {QStringLiteral("database"), database},
                  {QStringLiteral("kind"), kind},          {QStringLiteral("name"), name},
                  {QStringLiteral("detail"), detail},      {QStringLiteral("statement"), removeSql},
                  {QStringLiteral("removed"), removed}};
    if (refused)
        o.insert(QStringLiteral("left_alone"), refusedWhy);
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

bool AbandonPlan::nothingToRemove() const
{
    return std::none_of(items.begin(), items.end(), [](const AbandonItem &i) { return !i.refused; });
}

bool AbandonPlan::complete() const
{
    return problems.isEmpty() && std::all_of(items.begin(), items.end(),
                                             [](const AbandonItem &i) { return i.refused || i.removed; });
}

QJsonObject AbandonPlan::toJson() const
{
    QJsonArray a;
    for (const AbandonItem &i : items)
        a.append(i.toJson());
    return QJsonObject{{QStringLiteral("items"), a},
                       {QStringLiteral("problems"), QJsonArray::fromStringList(problems)},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(notes)},
                       {QStringLiteral("nothing_to_remove"), nothingToRemove()},
                       {QStringLiteral("in_use"), inUse},
                       {QStringLiteral("complete"), complete()}};
}

AbandonPlan planAbandon(const AbandonInput &in)
{
    AbandonPlan plan;
    Journal journal(in.stateDir);
    QString jerr;
    const bool journalRead = !in.stateDir.isEmpty() && QFile::exists(journal.path()) && journal.load(&jerr);
    if (!jerr.isEmpty())
        plan.problems << QStringLiteral(
                             "%1. Without it pgferry cannot tell whether it made a source read-only or "
                             "created a target database")
                             .arg(jerr);
    for (int i = 0; i < in.project.databases.size(); ++i) {
        const project::DatabaseSelection &db = in.project.databases.at(i);
        const QString name = project::migrationObjectName(in.project.id, i);
        planSource(in, journal, journalRead, db, name, plan);
        planTarget(in, journal, journalRead, db, name, plan);
    }
    if (stateFolderHoldsAnything(in.stateDir))
        plan.items << item(
            AbandonItem::Where::Local, {}, kStateFolder, in.stateDir,
            QStringLiteral("the run journal, change spool, schema archives, status and report"), {});
    return plan;
}

bool executeAbandon(const AbandonInput &in, AbandonPlan &plan)
{
    if (plan.inUse)
        return false; // something streams: removing the capture or the publication under it would break it
    Journal journal(in.stateDir);
    const bool journalRead = !in.stateDir.isEmpty() && QFile::exists(journal.path()) && journal.load();
    Sessions sessions(in);
    AbandonItem *folder = nullptr;
    bool attempted = false;
    for (AbandonItem &it : plan.items) {
        if (it.refused || it.removed)
            continue;
        if (it.kind == kStateFolder) {
            folder = &it;
            continue;
        }
        removeItem(journal, journalRead, sessions, it);
        attempted = true;
    }
    // Looked at again: what a statement did not remove (or a program made anew) is not removed.
    if (attempted) {
        const AbandonPlan after = planAbandon(in);
        for (const QString &p : after.problems)
            if (!plan.problems.contains(p))
                plan.problems << QStringLiteral("checking after the removal: %1").arg(p);
        for (const AbandonItem &left : after.items) {
            if (left.refused || left.where == AbandonItem::Where::Local)
                continue;
            for (AbandonItem &it : plan.items) {
                if (!it.removed || it.where != left.where || it.kind != left.kind || it.name != left.name ||
                    it.database != left.database)
                    continue;
                it.removed = false;
                it.error = QStringLiteral(
                               "the %1 %2 (%3 database %4) is still there after it was removed: remove it "
                               "yourself with %5, then run abandon again")
                               .arg(it.kind, it.name, it.whereName(), it.database, it.removeSql);
            }
        }
    }
    const bool serversDone = plan.problems.isEmpty() &&
                             std::all_of(plan.items.begin(), plan.items.end(), [](const AbandonItem &i) {
                                 return i.refused || i.removed || i.kind == kStateFolder;
                             });
    // The journal says what pgferry made: it goes last, and only when nothing it speaks of is left.
    if (folder) {
        if (!serversDone)
            folder->error =
                QStringLiteral(
                    "kept the run state folder %1: its journal says what pgferry made, and not all "
                    "of that is removed yet. Run abandon again once the problems above are fixed")
                    .arg(in.stateDir);
        else if (!QDir(in.stateDir).removeRecursively())
            folder->error =
                QStringLiteral(
                    "could not remove the run state folder %1 completely: remove it yourself (rm -r)")
                    .arg(in.stateDir);
        else
            folder->removed = true;
    } else if (serversDone && !in.stateDir.isEmpty()) {
        QDir(in.stateDir).removeRecursively(); // only the lock file was in it
    }
    return plan.complete();
}

SourceWritableResult makeSourceWritable(const pg::ConnInfo &source, const QString &stateDir,
                                        const QString &database)
{
    SourceWritableResult res;
    Journal journal(stateDir);
    QString jerr;
    const bool journalRead = !stateDir.isEmpty() && QFile::exists(journal.path()) && journal.load(&jerr);
    if (!jerr.isEmpty()) {
        res.message = jerr;
        return res;
    }
    const QString resetSql =
        QStringLiteral("ALTER DATABASE %1 RESET default_transaction_read_only").arg(quoteIdent(database));
    try {
        pg::Connection c = openTo(source.withDatabase(database));
        c.exec(QStringLiteral("SET default_transaction_read_only = off"));
        const bool readOnly = c.exec(kReadOnlySql, {database}).toBool(0, 0);
        const bool pgferrySetIt = journalRead && journal.done(database, QStringLiteral("source_read_only"));
        if (!readOnly) {
            if (pgferrySetIt) {
                journal.clearDone(database, QStringLiteral("source_read_only"));
                journal.save();
            }
            res.ok = true;
            res.message =
                QStringLiteral("source database %1 is writable already; nothing to do").arg(database);
            return res;
        }
        if (journalRead && journal.done(database, QStringLiteral("cutover_complete")) &&
            !journal.done(database, QStringLiteral("done"))) {
            res.message =
                QStringLiteral(
                    "source database %1 is cut over and kept as a fallback: the target's writes stream back "
                    "into "
                    "it, and writing to it as well would fork the data. `pgferry-cli fail-back` makes it the "
                    "primary again (without losing a write); `pgferry-cli fallback end` ends the fallback")
                    .arg(database);
            return res;
        }
        if (journalRead && journal.done(database, QStringLiteral("done"))) {
            res.message =
                QStringLiteral(
                    "the cutover of source database %1 completed: it stays read-only so that nothing "
                    "writes to the old server by mistake. If you mean to write to it anyway, run %2 "
                    "on the source")
                    .arg(database, resetSql);
            return res;
        }
        if (!pgferrySetIt) {
            res.message =
                QStringLiteral(
                    "source database %1 is read-only, but %2 pgferry made it so: pgferry leaves it "
                    "alone. If you mean to make it writable, run %3 on the source")
                    .arg(database,
                         journalRead ? QStringLiteral("the run journal does not say")
                                     : QStringLiteral("there is no run journal of this project to say"),
                         resetSql);
            return res;
        }
        c.exec(resetSql);
        journal.clearDone(database, QStringLiteral("source_read_only"));
        journal.setValue(database, QStringLiteral("source_writable"),
                         QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        res.changed = true;
        if (!journal.save(&jerr)) {
            res.message =
                QStringLiteral(
                    "source database %1 is writable again, but the run journal could not record it: %2")
                    .arg(database, jerr);
            return res;
        }
        res.ok = true;
        res.message =
            QStringLiteral("source database %1 is writable again (new sessions may write; sessions already "
                           "open keep the setting they started with)")
                .arg(database);
    } catch (const pg::Exception &ex) {
        res.message =
            QStringLiteral("could not make source database %1 writable: %2. Fix that and run source-writable "
                           "again, or run %3 on the source")
                .arg(database, clause(ex.error()), resetSql);
    }
    return res;
}

} // namespace pgferry::engine
