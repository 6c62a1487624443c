// The source side of the assessment: server settings, the migration user's privileges, and for each
// selected database one set-based catalog query per check (never one query per table).
#include "assess/probes.h"
#include "schema/tocfilter.h"

#include <algorithm>

namespace pgferry::assess::detail {

using project::Mode;

namespace {

constexpr char kUserSchemas[] =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
    "'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

QString notExtensionMember(const char *catalog, const char *oidExpr)
{
    return QStringLiteral(
               "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '%1'::regclass AND d.objid = %2 "
               "AND d.deptype = 'e')")
        .arg(QLatin1String(catalog), QLatin1String(oidExpr));
}

QString plural(qsizetype n, const QString &one, const QString &many)
{
    return n == 1 ? one : many;
}

} // namespace

pg::Connection SourceProbe::open(const QString &database, bool replication) const
{
    pg::ConnectOptions o;
    o.timeout = m_in.connectTimeout;
    o.cancel = m_in.cancel;
    o.replication = replication;
    pg::Connection c =
        pg::Connection::open(database.isNull() ? m_in.source : m_in.source.withDatabase(database), o);
    c.setCancelFlag(m_in.cancel);
    c.setStatementTimeout(m_in.statementTimeout);
    return c;
}

void SourceProbe::guarded(const QString &id, const QString &database, const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const pg::Exception &e) {
        if (isCancelled(m_in) || e.error().breaksConnection() ||
            e.error().category == pg::ErrorCategory::Cancelled)
            throw;
        checks << makeCheck(
            id, Severity::Warning, database, {},
            QStringLiteral("Could not be checked on the source: %1").arg(e.error().toString()),
            {Fix{FixTarget::Manual,
                 {},
                 QStringLiteral(
                     "Run the assessment as a user that can read the system catalogs "
                     "(a superuser, or a member of pg_read_all_settings and pg_read_all_stats).")}});
    }
}

void SourceProbe::run()
{
    runProbe(
        m_in, QStringLiteral("source"), m_in.source, checks, facts.reachable, facts.version,
        [this] { return open(QString()); }, [this](pg::Connection &c) { probe(c); });
}

void SourceProbe::probe(pg::Connection &c)
{
    probeServer(c);

    // Encoding and collation of every selected database, from the maintenance connection.
    QMap<QString, int> index;
    for (const project::DatabaseSelection &sel : m_in.databases) {
        SourceDatabaseFacts f;
        f.name = sel.name;
        index.insert(sel.name, int(facts.databases.size()));
        facts.databases << f;
    }
    pg::Result dbs =
        c.exec(QStringLiteral("SELECT datname, pg_encoding_to_char(encoding), datcollate, datctype "
                              "FROM pg_database"));
    for (int i = 0; i < dbs.rows(); ++i) {
        const auto it = index.constFind(dbs.text(i, 0));
        if (it == index.cend())
            continue;
        SourceDatabaseFacts &f = facts.databases[*it];
        f.catalogKnown = true;
        f.encoding = dbs.text(i, 1);
        f.collate = dbs.text(i, 2);
        f.ctype = dbs.text(i, 3);
    }

    for (int i = 0; i < m_in.databases.size(); ++i) {
        if (isCancelled(m_in))
            return;
        probeDatabase(m_in.databases.at(i), facts.databases[i]);
    }
    if (m_in.mode == Mode::Online && m_replicationReady && m_replicationPrivilege)
        checkReplicationConnection(c);
}

void SourceProbe::probeServer(pg::Connection &c)
{
    const bool online = m_in.mode == Mode::Online;
    const int v = facts.version;
    pg::Result me = c.exec(QStringLiteral("SELECT current_user, rolsuper, rolreplication, "
                                          "host(inet_client_addr()), family(inet_client_addr()) "
                                          "FROM pg_roles WHERE rolname = current_user"));
    facts.user = me.text(0, 0);
    facts.superuser = me.toBool(0, 1);
    m_replicationPrivilege = facts.superuser || me.toBool(0, 2);
    const QString clientAddr = me.text(0, 3);
    const QString clientNet = clientAddr.isEmpty() ? QStringLiteral("<address of this machine>/32")
                                                   : clientAddr + (me.toInt(0, 4) == 6 ? u"/128" : u"/32");

    // source.version
    {
        const QString name = c.parameterStatus("server_version");
        if (v < 90400)
            checks << makeCheck(
                QStringLiteral("source.version"), online ? Severity::Blocker : Severity::Warning, {}, {name},
                QStringLiteral("The source runs PostgreSQL %1; online migration needs 9.4 or newer "
                               "(logical decoding).")
                    .arg(name),
                {Fix{FixTarget::Manual,
                     {},
                     QStringLiteral("Upgrade the source to PostgreSQL 9.4 or newer "
                                    "(pg_upgrade), or migrate offline.")}});
        else if (v < 100000)
            checks << makeCheck(
                QStringLiteral("source.version"), Severity::Info, {}, {name},
                QStringLiteral("The source runs PostgreSQL %1 (before 10): changes are decoded with "
                               "test_decoding instead of publications and pgoutput.")
                    .arg(name),
                {Fix{FixTarget::Manual,
                     {},
                     QStringLiteral("Nothing to do; test_decoding ships with "
                                    "PostgreSQL. Upgrading the source to 10 or "
                                    "newer allows pgoutput.")}});
        else
            checks << makeCheck(QStringLiteral("source.version"), Severity::Pass, {}, {name},
                                QStringLiteral("The source runs PostgreSQL %1.").arg(name));
    }

    pg::Result s = c.exec(QStringLiteral(
        "SELECT name, setting FROM pg_settings WHERE name IN ('wal_level', 'max_replication_slots', "
        "'max_wal_senders', 'ssl', 'ssl_min_protocol_version', 'max_slot_wal_keep_size', "
        "'max_connections')"));
    for (int i = 0; i < s.rows(); ++i)
        m_settings.insert(s.text(i, 0), s.text(i, 1));

    // source.fallback: the fallback applies the target's writes on the source as a replica
    // (session_replication_role = replica, so that its triggers do not fire a second time).
    if (online && m_in.fallback) {
        if (facts.superuser)
            checks << makeCheck(
                QStringLiteral("source.fallback"), Severity::Pass, {}, {facts.user},
                QStringLiteral("The source user \"%1\" is a superuser: the fallback can apply the target's "
                               "writes on the source as a replica.")
                    .arg(facts.user));
        else
            checks << makeCheck(
                QStringLiteral("source.fallback"), Severity::Blocker, {}, {facts.user},
                QStringLiteral(
                    "The fallback after cutover applies the target's writes on the source with "
                    "session_replication_role = replica (so that the source's triggers do not fire a second "
                    "time), which the source user \"%1\" may not set.")
                    .arg(facts.user),
                {Fix{FixTarget::SourceSql,
                     {},
                     v >= 150000 ? QStringLiteral("GRANT SET ON PARAMETER session_replication_role TO %1;")
                                       .arg(c.quoteIdent(facts.user))
                                 : QStringLiteral("-- connect as a superuser, or turn the fallback off")}});
    }

    // source.wal_level
    const QString walLevel = m_settings.value(QStringLiteral("wal_level"));
    const bool walOk = walLevel == u"logical";
    if (walOk)
        checks << makeCheck(QStringLiteral("source.wal_level"), Severity::Pass, {}, {},
                            QStringLiteral("wal_level is logical."));
    else
        checks << makeCheck(
            QStringLiteral("source.wal_level"), online ? Severity::Blocker : Severity::Info, {}, {walLevel},
            QStringLiteral("wal_level is %1; logical decoding needs wal_level = logical%2.")
                .arg(walLevel, online ? QString() : QStringLiteral(" (not needed for an offline migration)")),
            {Fix{FixTarget::SourceConfig, {}, QStringLiteral("wal_level = logical")},
             Fix{FixTarget::SourceSql,
                 {},
                 QStringLiteral("ALTER SYSTEM SET wal_level = logical; "
                                "-- then restart the server")}});

    // source.max_replication_slots: one slot per selected database.
    const qint64 needed = m_in.databases.size();
    const qint64 maxSlots = m_settings.value(QStringLiteral("max_replication_slots")).toLongLong();
    const qint64 usedSlots = c.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0);
    const bool slotsOk = maxSlots - usedSlots >= needed && maxSlots > 0;
    if (slotsOk) {
        checks << makeCheck(QStringLiteral("source.max_replication_slots"), Severity::Pass, {}, {},
                            QStringLiteral("%1 of %2 replication slots free; %3 needed.")
                                .arg(maxSlots - usedSlots)
                                .arg(maxSlots)
                                .arg(needed));
    } else {
        const qint64 want = std::max<qint64>(10, usedSlots + needed + 2);
        checks << makeCheck(
            QStringLiteral("source.max_replication_slots"), online ? Severity::Blocker : Severity::Info, {},
            {},
            QStringLiteral("max_replication_slots is %1 with %2 in use; the migration needs %3 free "
                           "(one per database)%4.")
                .arg(maxSlots)
                .arg(usedSlots)
                .arg(needed)
                .arg(online ? QString() : QStringLiteral(" for an online migration")),
            {Fix{FixTarget::SourceConfig, {}, QStringLiteral("max_replication_slots = %1").arg(want)}});
    }

    // source.orphaned_slots: pgferry's slots that this project does not own, left by a migration
    // that was never cut over or abandoned. An inactive one holds WAL on the source for ever.
    if (v >= 90400)
        guarded(QStringLiteral("source.orphaned_slots"), {}, [&] {
            pg::Result r =
                c.exec(QStringLiteral("SELECT slot_name, coalesce(database, ''), active, pg_size_pretty(%1) "
                                      "FROM pg_replication_slots WHERE slot_name LIKE 'pgferry\\_%' "
                                      "AND left(slot_name, length($1)) <> $1 ORDER BY slot_name")
                           .arg(pg::slotRetainedWalSql(v)),
                       {m_in.projectId.isEmpty() ? QStringLiteral("-")
                                                 : project::migrationObjectPrefix(m_in.projectId)});
            QStringList inactive, inUse, drops;
            for (int i = 0; i < r.rows(); ++i) {
                const QString held =
                    r.isNull(i, 3) ? QString() : QStringLiteral(", holding %1 of WAL").arg(r.text(i, 3));
                if (r.toBool(i, 2)) {
                    inUse << QStringLiteral("%1 (database %2, in use)").arg(r.text(i, 0), r.text(i, 1));
                    continue;
                }
                inactive
                    << QStringLiteral("%1 (database %2, inactive%3)").arg(r.text(i, 0), r.text(i, 1), held);
                drops << QStringLiteral("SELECT pg_drop_replication_slot(%1);").arg(literal(r.text(i, 0)));
            }
            if (!inactive.isEmpty())
                checks << makeCheck(
                    QStringLiteral("source.orphaned_slots"), Severity::Warning, {}, inactive,
                    QStringLiteral(
                        "%1 unused replication %2 of another pgferry migration (another project, or a "
                        "run that was never cut over or abandoned): the source keeps all the WAL written "
                        "since %3 last read, and %4 one of max_replication_slots. If that migration is "
                        "over, `pgferry-cli abandon` with its project file removes everything it made, or "
                        "drop the %2 as below; if it is only paused, leave %5.")
                        .arg(inactive.size())
                        .arg(plural(inactive.size(), QStringLiteral("slot"), QStringLiteral("slots")))
                        .arg(plural(inactive.size(), QStringLiteral("it was"), QStringLiteral("each was")))
                        .arg(
                            plural(inactive.size(), QStringLiteral("it takes"), QStringLiteral("each takes")))
                        .arg(plural(inactive.size(), QStringLiteral("it"), QStringLiteral("them"))),
                    // Optional: the fix script keeps it commented out, so applying it whole never ends
                    // another migration that is only paused.
                    {Fix{FixTarget::SourceSql, {}, drops.join(u'\n'), true}});
            else if (!inUse.isEmpty())
                checks << makeCheck(
                    QStringLiteral("source.orphaned_slots"), Severity::Info, {}, inUse,
                    QStringLiteral("Another pgferry migration streams from this source (its slots are in "
                                   "use); each takes a replication slot and a WAL sender."));
            else
                checks << makeCheck(
                    QStringLiteral("source.orphaned_slots"), Severity::Pass, {}, {},
                    QStringLiteral(
                        "No replication slot of another pgferry migration is left on the source."));
        });

    // source.max_wal_senders: one walsender per slot while streaming.
    const qint64 maxSenders = m_settings.value(QStringLiteral("max_wal_senders")).toLongLong();
    const qint64 usedSenders = c.exec(QStringLiteral("SELECT count(*) FROM pg_stat_replication")).toInt(0, 0);
    const bool sendersOk = maxSenders - usedSenders >= needed && maxSenders > 0;
    if (sendersOk) {
        checks << makeCheck(QStringLiteral("source.max_wal_senders"), Severity::Pass, {}, {},
                            QStringLiteral("%1 of %2 WAL senders free; %3 needed.")
                                .arg(maxSenders - usedSenders)
                                .arg(maxSenders)
                                .arg(needed));
    } else {
        const qint64 want = std::max<qint64>(10, usedSenders + needed + 2);
        checks << makeCheck(
            QStringLiteral("source.max_wal_senders"), online ? Severity::Blocker : Severity::Info, {}, {},
            QStringLiteral("max_wal_senders is %1 with %2 in use; the migration needs %3 free%4.")
                .arg(maxSenders)
                .arg(usedSenders)
                .arg(needed)
                .arg(online ? QString() : QStringLiteral(" for an online migration")),
            {Fix{FixTarget::SourceConfig, {}, QStringLiteral("max_wal_senders = %1").arg(want)}});
    }
    m_replicationReady = walOk && slotsOk && sendersOk;

    // source.replication_privilege
    if (m_replicationPrivilege)
        checks << makeCheck(
            QStringLiteral("source.replication_privilege"), Severity::Pass, {}, {facts.user},
            QStringLiteral("The user \"%1\" may open replication connections.").arg(facts.user));
    else
        checks << makeCheck(
            QStringLiteral("source.replication_privilege"), online ? Severity::Blocker : Severity::Info, {},
            {facts.user},
            QStringLiteral("The user \"%1\" has neither REPLICATION nor SUPERUSER; it cannot create a "
                           "replication slot%2.")
                .arg(facts.user, online ? QString() : QStringLiteral(" (not needed offline)")),
            {Fix{FixTarget::SourceSql,
                 {},
                 QStringLiteral("ALTER ROLE %1 WITH REPLICATION;").arg(ident(facts.user))}});

    // source.ssl
    {
        const bool azure = m_in.engine == project::Engine::Azure;
        const Severity bad = azure ? Severity::Blocker : Severity::Warning;
        const QString sslOn = m_settings.value(QStringLiteral("ssl"));
        const QString minProto = m_settings.value(QStringLiteral("ssl_min_protocol_version"));
        const QList<Fix> enable{
            Fix{FixTarget::SourceConfig,
                {},
                QStringLiteral("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
                               "ssl_min_protocol_version = 'TLSv1.2'")},
            Fix{FixTarget::Manual,
                {},
                QStringLiteral("Without a certificate, create one in the source's data directory:\n"
                               "openssl req -new -x509 -days 825 -nodes -subj \"/CN=%1\" -out server.crt "
                               "-keyout server.key\n"
                               "chmod 600 server.key && chown postgres: server.crt server.key")
                    .arg(m_in.source.host)},
            Fix{FixTarget::SourceHba,
                {},
                QStringLiteral("hostssl all %1 %2 scram-sha-256").arg(hbaName(facts.user), clientNet)}};
        if (sslOn != u"on")
            checks << makeCheck(
                QStringLiteral("source.ssl"), bad, {}, {},
                azure ? QStringLiteral("SSL is off on the source; Azure's migration service only connects "
                                       "with TLS 1.2 or newer.")
                      : QStringLiteral("SSL is off on the source: data and passwords cross the network "
                                       "in clear text."),
                enable);
        else if (!minProto.isEmpty() && (minProto == u"TLSv1" || minProto == u"TLSv1.1"))
            checks << makeCheck(
                QStringLiteral("source.ssl"), bad, {}, {minProto},
                QStringLiteral("SSL is on but ssl_min_protocol_version is %1; TLS 1.2 or newer is "
                               "required.")
                    .arg(minProto),
                {Fix{FixTarget::SourceConfig, {}, QStringLiteral("ssl_min_protocol_version = 'TLSv1.2'")}});
        else
            checks << makeCheck(QStringLiteral("source.ssl"), Severity::Pass, {}, {},
                                minProto.isEmpty()
                                    ? QStringLiteral("SSL is on (this version cannot enforce a minimum "
                                                     "TLS version).")
                                    : QStringLiteral("SSL is on, minimum protocol %1.").arg(minProto));
    }

    // source.long_transactions: a slot cannot be created while older transactions run.
    guarded(QStringLiteral("source.long_transactions"), {}, [&] {
        QString sql = QStringLiteral("SELECT pid, coalesce(datname, ''), coalesce(usename, ''), "
                                     "extract(epoch FROM now() - xact_start)::bigint FROM pg_stat_activity "
                                     "WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() "
                                     "AND now() - xact_start >= $1::int * interval '1 second'");
        if (v >= 100000)
            sql += QStringLiteral(" AND backend_type = 'client backend'");
        sql += QStringLiteral(" ORDER BY xact_start");
        pg::Result r = c.exec(sql, {int(m_in.longTransactionAge.count())});
        pg::Result p =
            c.exec(QStringLiteral("SELECT gid, coalesce(database, ''), coalesce(owner, ''), "
                                  "extract(epoch FROM now() - prepared)::bigint FROM pg_prepared_xacts "
                                  "WHERE now() - prepared >= $1::int * interval '1 second'"),
                   {int(m_in.longTransactionAge.count())});
        QStringList objects, lines;
        for (int i = 0; i < r.rows(); ++i) {
            objects << QStringLiteral("pid %1 (%2@%3, %4 s)")
                           .arg(r.text(i, 0), r.text(i, 2), r.text(i, 1), r.text(i, 3));
            lines << QStringLiteral("SELECT pg_terminate_backend(%1); -- %2@%3, open for %4 s")
                         .arg(r.text(i, 0), r.text(i, 2), r.text(i, 1), r.text(i, 3));
        }
        for (int i = 0; i < p.rows(); ++i) {
            objects << QStringLiteral("prepared transaction %1 (%2@%3, %4 s)")
                           .arg(p.text(i, 0), p.text(i, 2), p.text(i, 1), p.text(i, 3));
            lines << QStringLiteral("ROLLBACK PREPARED %1; -- in database %2")
                         .arg(literal(p.text(i, 0)), p.text(i, 1));
        }
        if (objects.isEmpty()) {
            checks << makeCheck(QStringLiteral("source.long_transactions"), Severity::Pass, {}, {},
                                QStringLiteral("No transaction has been open for %1 s or longer.")
                                    .arg(m_in.longTransactionAge.count()));
        } else {
            checks << makeCheck(
                QStringLiteral("source.long_transactions"), online ? Severity::Warning : Severity::Info, {},
                objects,
                QStringLiteral("%1 %2 open for %3 s or longer: creating the replication slot waits "
                               "until they end, and they hold back vacuum.")
                    .arg(objects.size())
                    .arg(plural(objects.size(), QStringLiteral("transaction has been"),
                                QStringLiteral("transactions have been")))
                    .arg(m_in.longTransactionAge.count()),
                {Fix{FixTarget::SourceSql,
                     {},
                     QStringLiteral("-- Let them finish, or end them:\n") + lines.join(u'\n')}});
        }
    });

    // source.wal_retention
    guarded(QStringLiteral("source.wal_retention"), {}, [&] {
        QString walSize;
        pg::Result w;
        if (v >= 100000 &&
            !c.tryExec(QStringLiteral("SELECT pg_size_pretty(sum(size)) FROM pg_ls_waldir()"), {}, &w))
            walSize = QStringLiteral(" pg_wal holds %1 now.").arg(w.text(0, 0));
        const QString keep = m_settings.value(QStringLiteral("max_slot_wal_keep_size"));
        if (v < 130000 || keep.isEmpty() || keep == u"-1") {
            checks << makeCheck(
                QStringLiteral("source.wal_retention"), Severity::Pass, {}, {},
                QStringLiteral("WAL needed by a replication slot is kept without limit; pgferry spools "
                               "changes during the full load so the slot does not fall far behind. "
                               "Keep free disk space for pg_wal.") +
                    walSize);
        } else {
            checks << makeCheck(
                QStringLiteral("source.wal_retention"), online ? Severity::Warning : Severity::Pass, {},
                {QStringLiteral("max_slot_wal_keep_size = %1MB").arg(keep)},
                QStringLiteral("max_slot_wal_keep_size is %1 MB: a slot that falls further behind is "
                               "invalidated and the migration has to start over.")
                        .arg(keep) +
                    walSize,
                online ? QList<Fix>{Fix{FixTarget::SourceConfig,
                                        {},
                                        QStringLiteral("max_slot_wal_keep_size = -1   # or more than the "
                                                       "WAL written during the full load")}}
                       : QList<Fix>{});
        }
    });
}

void SourceProbe::probeDatabase(const project::DatabaseSelection &sel, SourceDatabaseFacts &dbFacts)
{
    const bool online = m_in.mode == Mode::Online;
    const QString db = sel.name;
    pg::Connection c;
    try {
        c = open(db);
    } catch (const pg::Exception &e) {
        if (isCancelled(m_in))
            throw;
        checks << connectivityCheck(QStringLiteral("source.connectivity"), e.error(),
                                    m_in.source.withDatabase(db), db);
        return;
    }
    dbFacts.reachable = true;
    const int v = c.serverVersion();

    // One row per table: every table check below works from this single catalog query.
    guarded(QStringLiteral("table.primary_key"), db, [&] {
        const QString sql =
            QStringLiteral(
                "SELECT n.nspname, c.relname, c.relkind::text, c.relpersistence::text, c.relreplident::text, "
                "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk, "
                "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND "
                "i.indisvalid) "
                "AS has_identity_index, "
                "(SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                " WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indimmediate "
                " AND i.indpred IS NULL AND i.indexprs IS NULL "
                " AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid "
                "                 AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull) "
                " ORDER BY i.indnatts, ic.relname LIMIT 1) AS candidate_index, "
                "pg_has_role(c.relowner, 'USAGE') AS owned, pg_get_userbyid(c.relowner) AS owner, "
                "(SELECT o.rolsuper FROM pg_roles o WHERE o.oid = c.relowner) AS owner_is_superuser "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND ") +
            QLatin1String(kUserSchemas) + QStringLiteral(" AND ") + notExtensionMember("pg_class", "c.oid") +
            QStringLiteral(" ORDER BY 1, 2");
        pg::Result r = c.exec(sql);

        QStringList noKey, noKeyFixes, unlogged, unloggedFixes, notOwned, ownerFixes;
        QSet<QString> owners;
        QMap<QString, QStringList> byFoldedName; // schema + lower(name) -> names
        int selected = 0;
        for (int i = 0; i < r.rows(); ++i) {
            const QString schema = r.text(i, 0), name = r.text(i, 1);
            if (!sel.selects(schema, name))
                continue;
            ++selected;
            const QString relkind = r.text(i, 2), persistence = r.text(i, 3), replident = r.text(i, 4);
            const bool hasPk = r.toBool(i, 5), hasIdentityIndex = r.toBool(i, 6);
            const QString candidate = r.text(i, 7);
            const QString q = qualifiedName(schema, name);
            byFoldedName[schema + QChar(0x1f) + name.toLower()] << name;
            if (!r.toBool(i, 8)) {
                notOwned << displayName(schema, name);
                // Membership in a non-superuser owner is enough; never advise granting a superuser role.
                if (r.toBool(i, 10))
                    ownerFixes << QStringLiteral("ALTER TABLE %1 OWNER TO %2;").arg(q, ident(facts.user));
                else
                    owners.insert(r.text(i, 9));
            }
            if (relkind != u"r")
                continue; // a partitioned parent holds no rows: its leaves are checked
            if (persistence == u"u") {
                unlogged << displayName(schema, name);
                unloggedFixes << QStringLiteral("ALTER TABLE %1 SET LOGGED;").arg(q);
            }
            const bool usable =
                replident == u"f" || (replident == u"i" && hasIdentityIndex) || (replident == u"d" && hasPk);
            if (usable)
                continue;
            noKey << displayName(schema, name);
            if (replident == u"n" && hasPk)
                noKeyFixes << QStringLiteral("ALTER TABLE %1 REPLICA IDENTITY DEFAULT;").arg(q);
            else if (!candidate.isEmpty())
                noKeyFixes
                    << QStringLiteral(
                           "ALTER TABLE %1 REPLICA IDENTITY USING INDEX %2;  -- or: REPLICA IDENTITY FULL")
                           .arg(q, ident(candidate));
            else
                noKeyFixes << QStringLiteral(
                                  "ALTER TABLE %1 REPLICA IDENTITY FULL;  -- better: ALTER TABLE %1 ADD "
                                  "PRIMARY KEY (<columns>);")
                                  .arg(q);
        }

        // table.primary_key
        if (noKey.isEmpty())
            checks << makeCheck(
                QStringLiteral("table.primary_key"), Severity::Pass, db, {},
                QStringLiteral("All %1 tables have a primary key or a replica identity.").arg(selected));
        else
            checks << makeCheck(
                QStringLiteral("table.primary_key"), online ? Severity::Blocker : Severity::Info, db, noKey,
                QStringLiteral("%1 %2 neither a primary key nor a usable replica identity: %3")
                    .arg(noKey.size())
                    .arg(plural(noKey.size(), QStringLiteral("table has"), QStringLiteral("tables have")))
                    .arg(online ? QStringLiteral("their UPDATEs and DELETEs cannot be replicated.")
                                : QStringLiteral("fine offline, but an online migration would need one.")),
                {Fix{FixTarget::SourceSql, db, noKeyFixes.join(u'\n'), !online}});

        // table.name_case
        QStringList colliding, renameFixes;
        for (auto it = byFoldedName.cbegin(); it != byFoldedName.cend(); ++it) {
            if (it->size() < 2)
                continue;
            const QString schema = it.key().section(QChar(0x1f), 0, 0);
            QStringList names = *it;
            // Keep the all-lower-case name (what tools that fold case expect); rename the others.
            std::stable_sort(names.begin(), names.end(), [](const QString &a, const QString &b) {
                return (a == a.toLower()) > (b == b.toLower());
            });
            for (int k = 0; k < names.size(); ++k) {
                colliding << displayName(schema, names.at(k));
                if (k > 0)
                    renameFixes << QStringLiteral("ALTER TABLE %1 RENAME TO %2;")
                                       .arg(qualifiedName(schema, names.at(k)),
                                            ident(names.at(k).toLower() + QStringLiteral("_%1").arg(k + 1)));
            }
        }
        if (colliding.isEmpty())
            checks << makeCheck(QStringLiteral("table.name_case"), Severity::Pass, db, {},
                                QStringLiteral("No two table names differ only in case."));
        else
            checks << makeCheck(
                QStringLiteral("table.name_case"), Severity::Warning, db, colliding,
                QStringLiteral("Table names that differ only in case: tools and scripts that fold "
                               "names to lower case see them as one table (Azure's migration guide "
                               "does not support them). pgferry quotes every name and copies both."),
                {Fix{FixTarget::SourceSql, db,
                     QStringLiteral("-- rename so no two names differ only in case (applications that use "
                                    "the old names must change too)\n") +
                         renameFixes.join(u'\n'),
                     true}});

        // table.unlogged
        if (unlogged.isEmpty())
            checks << makeCheck(QStringLiteral("table.unlogged"), Severity::Pass, db, {},
                                QStringLiteral("No unlogged tables."));
        else
            checks << makeCheck(
                QStringLiteral("table.unlogged"), online ? Severity::Warning : Severity::Info, db, unlogged,
                QStringLiteral("%1 unlogged %2: copied at the full load, but their later changes are "
                               "not in the WAL and are not streamed.")
                    .arg(unlogged.size())
                    .arg(plural(unlogged.size(), QStringLiteral("table"), QStringLiteral("tables"))),
                {Fix{FixTarget::SourceSql, db,
                     v >= 90500 ? unloggedFixes.join(u'\n')
                                : QStringLiteral("-- SET LOGGED needs 9.5; "
                                                 "recreate the tables as logged "
                                                 "tables"),
                     !online}});

        // table.with_oids: gone in 12; such tables arrive without their oid column.
        if (v < 120000) {
            pg::Result o = c.exec(
                QStringLiteral("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
                               "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.relhasoids AND ") +
                QLatin1String(kUserSchemas) + QStringLiteral(" ORDER BY 1, 2"));
            QStringList withOids, withoutFixes;
            for (int i = 0; i < o.rows(); ++i) {
                if (!sel.selects(o.text(i, 0), o.text(i, 1)))
                    continue;
                withOids << displayName(o.text(i, 0), o.text(i, 1));
                withoutFixes << QStringLiteral("ALTER TABLE %1 SET WITHOUT OIDS;")
                                    .arg(qualifiedName(o.text(i, 0), o.text(i, 1)));
            }
            if (withOids.isEmpty())
                checks << makeCheck(QStringLiteral("table.with_oids"), Severity::Pass, db, {},
                                    QStringLiteral("No table was created WITH OIDS."));
            else
                checks << makeCheck(
                    QStringLiteral("table.with_oids"), Severity::Warning, db, withOids,
                    QStringLiteral(
                        "%1 %2 WITH OIDS, which PostgreSQL 12 and later do not have: the rows arrive "
                        "without their hidden oid column. Queries that select oid from these tables "
                        "fail on the target; add an ordinary column first if the application uses it.")
                        .arg(withOids.size())
                        .arg(plural(withOids.size(), QStringLiteral("table was created"),
                                    QStringLiteral("tables were created"))),
                    {Fix{FixTarget::SourceSql, db,
                         QStringLiteral("-- Optional, once nothing reads the oids:\n-- ") +
                             withoutFixes.join(QStringLiteral("\n-- "))}});
        }

        // stream.truncate: logical decoding carries TRUNCATE from 11 on only.
        if (online && v < 110000)
            checks << makeCheck(
                QStringLiteral("stream.truncate"), Severity::Warning, db, {},
                QStringLiteral(
                    "The source runs PostgreSQL %1: logical decoding before 11 does not carry TRUNCATE, "
                    "so a table truncated on the source while the migration streams keeps its rows on "
                    "the target (the cutover's verification then finds the difference and stops). "
                    "Avoid TRUNCATE until the cutover, or use DELETE.")
                    .arg(majorName(v)));

        // stream.schema_changes: how DDL made while streaming reaches the target.
        if (online) {
            if (!m_in.captureDdl)
                checks << makeCheck(
                    QStringLiteral("stream.schema_changes"), Severity::Info, db, {},
                    QStringLiteral(
                        "Schema changes made on the source while the migration streams are watched, not "
                        "carried (schema.capture_ddl is off): a table created or a column changed then holds "
                        "the cutover until that database's migration is restarted."));
            else if (facts.superuser)
                checks << makeCheck(
                    QStringLiteral("stream.schema_changes"), Severity::Pass, db, {},
                    QStringLiteral(
                        "Schema changes made on the source while the migration streams are carried to the "
                        "target in stream order: pgferry installs two event triggers with their functions "
                        "and tables in schema _pgferry on the source (removed at cutover)."));
            else
                checks << makeCheck(
                    QStringLiteral("stream.schema_changes"), Severity::Warning, db, {},
                    QStringLiteral(
                        "The user \"%1\" is not a superuser, so pgferry cannot create the event triggers "
                        "that "
                        "carry schema changes made on the source while the migration streams: they are "
                        "watched instead, and a table created or a column changed then holds the cutover "
                        "until that database's migration is restarted. Avoid schema changes until the "
                        "cutover, or migrate as a superuser.")
                        .arg(facts.user));
        }

        // source.publication_privilege (publications exist from 10 on; test_decoding needs none)
        if (v >= 100000 && online) {
            const bool mayCreate =
                c.exec(QStringLiteral("SELECT has_database_privilege(current_database(), 'CREATE')"))
                    .toBool(0, 0);
            if (facts.superuser || (notOwned.isEmpty() && mayCreate)) {
                checks << makeCheck(
                    QStringLiteral("source.publication_privilege"), Severity::Pass, db, {},
                    QStringLiteral("The user \"%1\" may create a publication for the selected tables.")
                        .arg(facts.user));
            } else {
                QStringList lines;
                QStringList ownerList(owners.cbegin(), owners.cend());
                ownerList.sort();
                for (const QString &o : ownerList)
                    lines << QStringLiteral("GRANT %1 TO %2;").arg(ident(o), ident(facts.user));
                lines << ownerFixes;
                if (!mayCreate)
                    lines << QStringLiteral("GRANT CREATE ON DATABASE %1 TO %2;")
                                 .arg(ident(db), ident(facts.user));
                checks << makeCheck(
                    QStringLiteral("source.publication_privilege"), Severity::Blocker, db, notOwned,
                    notOwned.isEmpty()
                        ? QStringLiteral("The user \"%1\" may not create objects in the database, so "
                                         "it cannot create a publication.")
                              .arg(facts.user)
                        : QStringLiteral("The user \"%1\" does not own %2 of the selected tables and is "
                                         "not a superuser: it cannot add them to a publication.")
                              .arg(facts.user, QString::number(notOwned.size())),
                    {Fix{FixTarget::SourceSql, db, lines.join(u'\n')}});
            }
        }
    });

    // largeobject.present
    guarded(QStringLiteral("largeobject.present"), db, [&] {
        const qint64 n = c.exec(QStringLiteral("SELECT count(*) FROM pg_largeobject_metadata")).toInt(0, 0);
        if (n == 0)
            checks << makeCheck(QStringLiteral("largeobject.present"), Severity::Pass, db, {},
                                QStringLiteral("No large objects."));
        else if (online && m_in.engine == project::Engine::Local)
            // Compared by content and copied again at cutover, after the drain.
            checks << makeCheck(
                QStringLiteral("largeobject.present"), Severity::Info, db,
                {QStringLiteral("%1 large objects").arg(n)},
                QStringLiteral("%1 large %2: copied at the full load; logical decoding does not carry "
                               "later changes to them, so the cutover compares each by content and "
                               "copies again what changed (longer with many or large objects).")
                    .arg(n)
                    .arg(plural(n, QStringLiteral("object"), QStringLiteral("objects"))),
                {Fix{FixTarget::Manual,
                     {},
                     QStringLiteral(
                         "Keep the source read-only at cutover (the default), so that no large "
                         "object changes after the comparison; store new data in bytea columns.")}});
        else
            checks << makeCheck(
                QStringLiteral("largeobject.present"), online ? Severity::Warning : Severity::Info, db,
                {QStringLiteral("%1 large objects").arg(n)},
                QStringLiteral("%1 large %2: copied at the full load, but logical decoding does not "
                               "carry later changes to them.")
                    .arg(n)
                    .arg(plural(n, QStringLiteral("object"), QStringLiteral("objects"))),
                {Fix{FixTarget::Manual,
                     {},
                     QStringLiteral("Do not create or change large objects in database \"%1\" once "
                                    "the migration has started, or store them in bytea columns instead.")
                         .arg(db)}});
    });

    // table.filter: what the database's include/exclude patterns leave out that the selected
    // tables refer to (the same reading the run's schema restore makes).
    if (sel.filtered())
        guarded(QStringLiteral("table.filter"), db, [&] {
            const QStringList notes = schema::TocFilter::read(c, sel).notes();
            if (notes.isEmpty())
                checks << makeCheck(
                    QStringLiteral("table.filter"), Severity::Pass, db, {},
                    QStringLiteral(
                        "The table filter selects tables that refer to nothing it leaves out; their "
                        "schemas, types, functions and sequences come with them."));
            else
                checks << makeCheck(
                    QStringLiteral("table.filter"), Severity::Warning, db, notes,
                    QStringLiteral("The table filter leaves out %1 %2 that the selected tables refer to: %3.")
                        .arg(notes.size())
                        .arg(plural(notes.size(), QStringLiteral("object"), QStringLiteral("objects")))
                        .arg(notes.join(QStringLiteral("; "))),
                    {Fix{FixTarget::Manual,
                         {},
                         QStringLiteral("Add the referenced tables to the selection of database \"%1\", or "
                                        "accept that these keys and views are not created on the target.")
                             .arg(db)}});
        });

    // Facts for the cross-server checks: extensions, superuser-only objects, referenced roles.
    guarded(QStringLiteral("extension.target_available"), db, [&] {
        pg::Result r =
            c.exec(QStringLiteral("SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql' "
                                  "ORDER BY 1"));
        for (int i = 0; i < r.rows(); ++i)
            dbFacts.extensions << std::make_pair(r.text(i, 0), r.text(i, 1));
    });
    guarded(QStringLiteral("object.superuser_only"), db, [&] {
        const QString sql =
            QStringLiteral(
                "SELECT 'event trigger', e.evtname, NULL, NULL, NULL FROM pg_event_trigger e WHERE ") +
            notExtensionMember("pg_event_trigger", "e.oid") +
            QStringLiteral(" UNION ALL SELECT 'function', p.proname, n.nspname, "
                           "pg_get_function_identity_arguments(p.oid), "
                           "l.lanname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                           "JOIN pg_language l ON l.oid = p.prolang WHERE NOT l.lanpltrusted AND ") +
            QLatin1String(kUserSchemas) + QStringLiteral(" AND ") + notExtensionMember("pg_proc", "p.oid") +
            QStringLiteral(" UNION ALL SELECT 'language', l.lanname, NULL, NULL, NULL FROM pg_language l "
                           "WHERE l.lanispl AND NOT l.lanpltrusted AND ") +
            notExtensionMember("pg_language", "l.oid") + QStringLiteral(" ORDER BY 1, 3, 2");
        pg::Result r = c.exec(sql);
        for (int i = 0; i < r.rows(); ++i) {
            SuperuserObject o;
            const QString kind = r.text(i, 0), name = r.text(i, 1);
            if (kind == u"event trigger") {
                o.kind = QStringLiteral("event trigger");
                o.display = name;
                o.dropSql = QStringLiteral("DROP EVENT TRIGGER %1;").arg(ident(name));
            } else if (kind == u"function") {
                const QString lang = r.text(i, 4);
                o.kind = lang == u"c" ? QStringLiteral("C function")
                                      : QStringLiteral("function in untrusted language %1").arg(lang);
                o.display = displayName(r.text(i, 2), name) + u'(' + r.text(i, 3) + u')';
                o.dropSql = QStringLiteral("DROP FUNCTION %1(%2);")
                                .arg(qualifiedName(r.text(i, 2), name), r.text(i, 3));
            } else {
                o.kind = QStringLiteral("untrusted language");
                o.display = name;
                o.dropSql = QStringLiteral("DROP LANGUAGE %1;").arg(ident(name));
            }
            dbFacts.superuserObjects << o;
        }
    });
    guarded(QStringLiteral("role.missing_on_target"), db, [&] {
        const QString user = QLatin1String(kUserSchemas);
        const QString sql =
            QStringLiteral("SELECT r.rolname, r.rolcanlogin FROM ("
                           " SELECT c.relowner AS o FROM pg_class c JOIN pg_namespace n ON n.oid = "
                           "c.relnamespace WHERE ") +
            user + QStringLiteral(" UNION SELECT n.nspowner FROM pg_namespace n WHERE ") + user +
            QStringLiteral(" UNION SELECT p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                           "p.pronamespace WHERE ") +
            user +
            QStringLiteral(" UNION SELECT t.typowner FROM pg_type t JOIN pg_namespace n ON n.oid = "
                           "t.typnamespace WHERE ") +
            user +
            QStringLiteral(" UNION SELECT (aclexplode(c.relacl)).grantee FROM pg_class c JOIN pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE c.relacl IS NOT NULL AND ") +
            user +
            QStringLiteral(" UNION SELECT (aclexplode(n.nspacl)).grantee FROM pg_namespace n WHERE n.nspacl "
                           "IS NOT NULL AND ") +
            user +
            QStringLiteral(" UNION SELECT d.datdba FROM pg_database d WHERE d.datname = current_database()"
                           " UNION SELECT (aclexplode(d.datacl)).grantee FROM pg_database d "
                           "  WHERE d.datname = current_database() AND d.datacl IS NOT NULL"
                           ") x JOIN pg_roles r ON r.oid = x.o WHERE r.rolname NOT LIKE 'pg\\_%' ORDER BY 1");
        pg::Result r = c.exec(sql);
        for (int i = 0; i < r.rows(); ++i)
            dbFacts.roles.insert(r.text(i, 0), r.toBool(i, 1));
    });
}

void SourceProbe::checkReplicationConnection(pg::Connection &c)
{
    // Open what the engine will open: a logical replication connection to the first database.
    QString db;
    for (const SourceDatabaseFacts &f : std::as_const(facts.databases)) {
        if (f.reachable) {
            db = f.name;
            break;
        }
    }
    if (db.isEmpty())
        return;
    try {
        pg::Connection r = open(db, true);
        checks << makeCheck(QStringLiteral("source.replication_connection"), Severity::Pass, db, {},
                            QStringLiteral("A logical replication connection to \"%1\" works.").arg(db));
    } catch (const pg::Exception &e) {
        if (isCancelled(m_in))
            throw;
        pg::Result me = c.exec(QStringLiteral("SELECT host(inet_client_addr()), family(inet_client_addr())"));
        const QString addr = me.text(0, 0);
        const QString net = addr.isEmpty() ? QStringLiteral("<address of this machine>/32")
                                           : addr + (me.toInt(0, 1) == 6 ? u"/128" : u"/32");
        checks << makeCheck(
            QStringLiteral("source.replication_connection"), Severity::Blocker, db, {facts.user},
            QStringLiteral("A logical replication connection to \"%1\" as \"%2\" fails: %3")
                .arg(db, facts.user, e.error().message),
            {Fix{FixTarget::SourceHba,
                 {},
                 QStringLiteral("# logical replication matches the database name, not the keyword "
                                "'replication'\n%1 %2 %3 %4 scram-sha-256")
                     .arg(m_settings.value(QStringLiteral("ssl")) == u"on" ? QStringLiteral("hostssl")
                                                                           : QStringLiteral("host"),
                          hbaName(db), hbaName(facts.user), net)}});
    }
}

} // namespace pgferry::assess::detail
