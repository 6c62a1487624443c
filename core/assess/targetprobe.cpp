// The target side of the assessment: who we are there, which roles, extensions and databases exist,
// and whether the target databases are empty.
#include "assess/probes.h"
#include "pg/maintenance.h"

namespace pgferry::assess::detail {

pg::Connection TargetProbe::open(const QString &database) const
{
    const auto connect = [this](const pg::ConnInfo &info) {
        pg::ConnectOptions o;
        o.timeout = m_in.connectTimeout;
        o.cancel = m_in.cancel;
        pg::Connection c = pg::Connection::open(info, o);
        c.setCancelFlag(m_in.cancel);
        c.setStatementTimeout(m_in.statementTimeout);
        return c;
    };
    // The maintenance connection: the URI may name a target database that is still to be created.
    return database.isNull() ? pg::openMaintenance(m_in.target, connect)
                             : connect(m_in.target.withDatabase(database));
}

void TargetProbe::guarded(const QString &id, const QString &database, const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const pg::Exception &e) {
        if (isCancelled(m_in) || e.error().breaksConnection() ||
            e.error().category == pg::ErrorCategory::Cancelled)
            throw;
        checks << makeCheck(
            id, Severity::Warning, database, {},
            QStringLiteral("Could not be checked on the target: %1").arg(e.error().toString()),
            {Fix{FixTarget::Manual, {}, QStringLiteral("Run the assessment as the target's admin user.")}});
    }
}

void TargetProbe::run()
{
    runProbe(
        m_in, QStringLiteral("target"), m_in.target, checks, facts.reachable, facts.version,
        [this] { return open(QString()); }, [this](pg::Connection &c) { probe(c); });
}

// A fallback streams the target's writes back into the source after cutover: the target needs
// what a source of logical decoding needs, one slot and one sender per database.
void TargetProbe::checkFallback(pg::Connection &c, bool replicationRight)
{
    QMap<QString, QString> s;
    pg::Result r = c.exec(QStringLiteral("SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', "
                                         "'max_replication_slots', 'max_wal_senders')"));
    for (int i = 0; i < r.rows(); ++i)
        s.insert(r.text(i, 0), r.text(i, 1));
    const qint64 needed = m_in.databases.size();
    const qint64 freeSlots = s.value(QStringLiteral("max_replication_slots")).toLongLong() -
                             c.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0);
    const qint64 freeSenders = s.value(QStringLiteral("max_wal_senders")).toLongLong() -
                               c.exec(QStringLiteral("SELECT count(*) FROM pg_stat_replication")).toInt(0, 0);
    QStringList problems;
    QList<Fix> fixes;
    const bool azure = m_in.targetIsAzure || facts.azureAllowListKnown;
    if (s.value(QStringLiteral("wal_level")) != u"logical") {
        problems << QStringLiteral("wal_level is %1, not logical").arg(s.value(QStringLiteral("wal_level")));
        fixes << (azure ? Fix{FixTarget::Manual,
                              {},
                              QStringLiteral(
                                  "Set the server parameter wal_level to logical and restart the server "
                                  "(`pgferry-cli azure prepare-fallback --server RESOURCE_ID --yes`, or the "
                                  "portal's Server parameters): a restart takes it offline briefly, so "
                                  "choose the moment.")}
                        : Fix{FixTarget::Manual,
                              {},
                              QStringLiteral(
                                  "ALTER SYSTEM SET wal_level = logical; -- then restart the target")});
    }
    if (freeSlots < needed) {
        problems << QStringLiteral("%1 replication slots free, %2 needed")
                        .arg(std::max<qint64>(0, freeSlots))
                        .arg(needed);
        fixes << Fix{
            FixTarget::Manual, {}, QStringLiteral("Raise max_replication_slots on the target (a restart).")};
    }
    if (freeSenders < needed) {
        problems << QStringLiteral("%1 WAL senders free, %2 needed")
                        .arg(std::max<qint64>(0, freeSenders))
                        .arg(needed);
        fixes << Fix{
            FixTarget::Manual, {}, QStringLiteral("Raise max_wal_senders on the target (a restart).")};
    }
    if (!replicationRight) {
        problems << QStringLiteral("the user \"%1\" lacks the REPLICATION right").arg(facts.user);
        // On Azure the server's admin user is a member of azure_pg_admin and holds REPLICATION; a
        // member may grant it, a user outside it cannot get it by itself.
        bool adminMember = false;
        if (azure) {
            pg::Result m =
                c.exec(QStringLiteral("SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles "
                                      "WHERE rolname = 'azure_pg_admin'"));
            adminMember = m.rows() > 0 && m.toBool(0, 0);
        }
        fixes << Fix{
            FixTarget::Manual,
            {},
            !azure ? QStringLiteral("ALTER ROLE %1 WITH REPLICATION;").arg(c.quoteIdent(facts.user))
            : adminMember
                ? QStringLiteral(
                      "\"%1\" is a member of azure_pg_admin but lacks REPLICATION: as the server's "
                      "admin user run ALTER ROLE %2 WITH REPLICATION; or connect as the admin user.")
                      .arg(facts.user, c.quoteIdent(facts.user))
                : QStringLiteral(
                      "\"%1\" is not a member of azure_pg_admin: connect as the server's admin user "
                      "(it holds REPLICATION), or have it run GRANT azure_pg_admin TO %2; ALTER ROLE %2 "
                      "WITH REPLICATION;")
                      .arg(facts.user, c.quoteIdent(facts.user))};
    }
    if (problems.isEmpty())
        checks << makeCheck(
            QStringLiteral("target.fallback"), Severity::Pass, {}, {},
            QStringLiteral("The target can stream its writes back into the source after cutover "
                           "(wal_level logical, %1 slots and %2 senders free, REPLICATION right).")
                .arg(freeSlots)
                .arg(freeSenders));
    else
        checks << makeCheck(
            QStringLiteral("target.fallback"), Severity::Blocker, {}, problems,
            QStringLiteral("The fallback after cutover (settings.cutover.fallback) streams the target's "
                           "writes back into the source, but on the target %1. Fix it before the "
                           "migration starts, or turn the fallback off.")
                .arg(problems.join(QStringLiteral("; "))),
            fixes);
}

void TargetProbe::probe(pg::Connection &c)
{
    pg::Result me = c.exec(QStringLiteral(
        "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole, rolreplication FROM pg_roles "
        "WHERE rolname = current_user"));
    facts.user = me.text(0, 0);
    facts.superuser = me.toBool(0, 1);
    const bool createdb = facts.superuser || me.toBool(0, 2);
    const bool createrole = facts.superuser || me.toBool(0, 3);
    const bool replicationRight = facts.superuser || me.toBool(0, 4);

    pg::Result roles = c.exec(QStringLiteral("SELECT rolname FROM pg_roles"));
    for (int i = 0; i < roles.rows(); ++i)
        facts.roles.insert(roles.text(i, 0));
    pg::Result ext = c.exec(QStringLiteral("SELECT name, default_version FROM pg_available_extensions"));
    for (int i = 0; i < ext.rows(); ++i) {
        facts.extensions.insert(ext.text(i, 0));
        facts.extensionDefaultVersions.insert(ext.text(i, 0), ext.text(i, 1));
    }
    pg::Result allow;
    if (!c.tryExec(QStringLiteral("SELECT current_setting('azure.extensions')"), {}, &allow)) {
        facts.azureAllowListKnown = true;
        for (const QString &e : allow.text(0, 0).split(u',', Qt::SkipEmptyParts))
            facts.azureAllowList.insert(e.trimmed().toLower());
    }
    if (m_in.fallback)
        guarded(QStringLiteral("target.fallback"), {}, [&] { checkFallback(c, replicationRight); });
    pg::Result dbs =
        c.exec(QStringLiteral("SELECT datname, pg_encoding_to_char(encoding), datcollate, datctype "
                              "FROM pg_database"));
    for (int i = 0; i < dbs.rows(); ++i) {
        TargetDatabaseFacts f;
        f.exists = true;
        f.encoding = dbs.text(i, 1);
        f.collate = dbs.text(i, 2);
        f.ctype = dbs.text(i, 3);
        facts.databases.insert(dbs.text(i, 0), f);
        if (dbs.text(i, 0) == u"template1") {
            facts.templateEncoding = f.encoding;
            facts.templateCollate = f.collate;
            facts.templateCtype = f.ctype;
        }
    }
    pg::Result coll =
        c.exec(QStringLiteral("SELECT DISTINCT collcollate FROM pg_collation WHERE collcollate IS NOT NULL"));
    for (int i = 0; i < coll.rows(); ++i)
        facts.collations.insert(coll.text(i, 0));

    // target.privileges
    {
        QStringList toCreate;
        for (const project::DatabaseSelection &sel : m_in.databases) {
            if (!facts.databases.contains(sel.effectiveTarget()))
                toCreate << sel.effectiveTarget();
        }
        QStringList missing;
        Severity sev = Severity::Pass;
        if (!createdb && !toCreate.isEmpty()) {
            missing << QStringLiteral("CREATEDB");
            sev = Severity::Blocker;
        }
        if (!createrole && m_in.createRoles) {
            missing << QStringLiteral("CREATEROLE");
            if (sev == Severity::Pass)
                sev = Severity::Warning;
        }
        if (missing.isEmpty())
            checks << makeCheck(QStringLiteral("target.privileges"), Severity::Pass, {}, {facts.user},
                                facts.superuser
                                    ? QStringLiteral("The target user \"%1\" is a superuser.").arg(facts.user)
                                    : QStringLiteral("The target user \"%1\" may create the databases and "
                                                     "roles it needs.")
                                          .arg(facts.user));
        else
            checks << makeCheck(
                QStringLiteral("target.privileges"), sev, {}, {facts.user},
                QStringLiteral("The target user \"%1\" lacks %2%3.")
                    .arg(facts.user, missing.join(QStringLiteral(" and ")),
                         toCreate.isEmpty() || createdb
                             ? QStringLiteral(": it cannot create the roles the objects need")
                             : QStringLiteral(": it cannot create the database(s) %1")
                                   .arg(toCreate.join(QStringLiteral(", ")))),
                {Fix{FixTarget::TargetSql,
                     {},
                     QStringLiteral("ALTER ROLE %1 %2;").arg(ident(facts.user), missing.join(u' '))},
                 Fix{FixTarget::Manual,
                     {},
                     QStringLiteral("On Azure, use the server's admin user (a member of azure_pg_admin).")}});
    }

    // target.database_not_empty
    for (const project::DatabaseSelection &sel : m_in.databases) {
        if (isCancelled(m_in))
            return;
        const QString tdb = sel.effectiveTarget();
        if (!facts.databases.contains(tdb)) {
            checks << makeCheck(
                QStringLiteral("target.database_not_empty"), Severity::Pass, sel.name, {tdb},
                QStringLiteral("The target database \"%1\" does not exist yet; it will be created.")
                    .arg(tdb));
            continue;
        }
        pg::Connection d;
        try {
            d = open(tdb);
        } catch (const pg::Exception &e) {
            if (isCancelled(m_in))
                throw;
            checks << connectivityCheck(QStringLiteral("target.connectivity"), e.error(),
                                        m_in.target.withDatabase(tdb), sel.name);
            continue;
        }
        guarded(QStringLiteral("target.database_not_empty"), sel.name, [&] {
            pg::Result r = d.exec(QStringLiteral(
                "SELECT n.nspname, c.relname, count(*) OVER () FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
                "'pg\\_toast%' "
                "AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_class'::regclass "
                "AND x.objid = c.oid AND x.deptype = 'e') ORDER BY 1, 2 LIMIT 20"));
            if (r.rows() == 0) {
                checks << makeCheck(
                    QStringLiteral("target.database_not_empty"), Severity::Pass, sel.name, {tdb},
                    QStringLiteral("The target database \"%1\" exists and is empty.").arg(tdb));
                return;
            }
            QStringList objects;
            for (int i = 0; i < r.rows(); ++i)
                objects << displayName(r.text(i, 0), r.text(i, 1));
            const qint64 total = r.toInt(0, 2);
            const QString msg =
                QStringLiteral("The target database \"%1\" already holds %2 relation(s)%3")
                    .arg(tdb, QString::number(total),
                         m_in.overwrite ? QStringLiteral("; the project overwrites them.")
                                        : QStringLiteral(": migrating into it would mix or clash with "
                                                         "what is there."));
            checks << makeCheck(
                QStringLiteral("target.database_not_empty"),
                m_in.overwrite ? Severity::Warning : Severity::Blocker, sel.name, objects, msg,
                {Fix{FixTarget::TargetSql,
                     {},
                     QStringLiteral("-- Drop it (its content is lost), or choose another target name, or "
                                    "set the project's overwrite option:\nDROP DATABASE %1;")
                         .arg(ident(tdb))}});
        });
    }
}

} // namespace pgferry::assess::detail
