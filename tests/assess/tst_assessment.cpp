// The assessment against real PostgreSQL servers configured wrong in each way the Azure migration
// guide warns about: each mistake is seen with the right id and severity, a well configured pair
// passes, and an unreachable server neither hangs the run nor hides the other server's checks.
// Three clusters serve every case: a good source, a target, and a source with replication off.
#include "assess/assessment.h"
#include "testclusters.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <future>
#include <pwd.h>
#include <unistd.h>

using namespace pgferry;
using namespace std::chrono_literals;
using assess::Severity;
using project::Engine;
using project::Mode;

Q_DECLARE_METATYPE(pgferry::assess::Severity)
Q_DECLARE_METATYPE(pgferry::project::Mode)
Q_DECLARE_METATYPE(pgferry::project::Engine)

namespace {

const char *kShopSql = R"SQL(
CREATE EXTENSION hstore;
CREATE TABLE public.nokey (a int, b text);
CREATE TABLE public.uniq (a int NOT NULL, b text);
CREATE UNIQUE INDEX uniq_a ON public.uniq (a);
CREATE TABLE public."we""ird" (x int);
CREATE TABLE public."Orders" (id int PRIMARY KEY);
CREATE TABLE public.orders (id int PRIMARY KEY);
CREATE UNLOGGED TABLE public.scratch (id int PRIMARY KEY);
CREATE TABLE public.full_identity (a int);
ALTER TABLE public.full_identity REPLICA IDENTITY FULL;
CREATE TABLE public.owned_by_app (id int PRIMARY KEY);
ALTER TABLE public.owned_by_app OWNER TO app_owner;
SELECT lo_from_bytea(0, 'a large object');
CREATE FUNCTION public.c_fn(cstring) RETURNS cstring AS '$libdir/hstore', 'hstore_in' LANGUAGE C STRICT;
CREATE FUNCTION public.evt_fn() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$;
CREATE EVENT TRIGGER pgferry_test_evt ON ddl_command_end EXECUTE FUNCTION public.evt_fn();
)SQL";

const assess::Check *findCheck(const assess::AssessmentReport &r, const QString &id,
                               const QString &db = QString())
{
    const assess::Check *worst = nullptr;
    for (const assess::Check &c : r.checks) {
        if (c.id == id && (db.isNull() || c.database == db) &&
            (!worst || int(c.severity) > int(worst->severity)))
            worst = &c;
    }
    return worst;
}

QString describe(const assess::AssessmentReport &r)
{
    QStringList lines;
    for (const assess::Check &c : r.checks)
        lines << QStringLiteral("%1 [%2] %3: %4")
                     .arg(c.id, assess::severityName(c.severity), c.database, c.message);
    return lines.join(u'\n');
}

} // namespace

class TestAssessment : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_src;
    std::unique_ptr<test::TestCluster> m_tgt;
    std::unique_ptr<test::TestCluster> m_bad; // wal_level=replica, no slots, no senders, WAL retention capped

    assess::AssessmentInput input(const test::TestCluster &src, const QStringList &dbs,
                                  Mode mode = Mode::Online, Engine engine = Engine::Local) const
    {
        assess::AssessmentInput in;
        in.source = src.connInfo();
        in.target = m_tgt->connInfo();
        in.mode = mode;
        in.engine = engine;
        in.targetIsAzure = engine == Engine::Azure;
        for (const QString &db : dbs)
            in.databases << project::DatabaseSelection{db, {}, {}, {}};
        in.connectTimeout = 5000ms;
        return in;
    }

    // Runs the assessment and fails the test when a check is missing or has another severity.
    static bool expect(const assess::AssessmentReport &r, const QString &id, Severity severity,
                       const QString &db = QString())
    {
        const assess::Check *c = findCheck(r, id, db);
        if (!c) {
            qWarning().noquote() << "no check" << id << "in:\n" << describe(r);
            return false;
        }
        if (c->severity != severity) {
            qWarning().noquote() << id << "is" << assess::severityName(c->severity) << "not"
                                 << assess::severityName(severity) << ":" << c->message;
            return false;
        }
        if (severity != Severity::Pass && c->remediation.isEmpty()) {
            qWarning().noquote() << id << "has no remediation";
            return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_src = std::make_unique<test::TestCluster>(QStringLiteral("assess-src"));
        m_tgt = std::make_unique<test::TestCluster>(QStringLiteral("assess-tgt"));
        sandbox::ClusterOptions bad;
        bad.logical = false;
        bad.extraConfig = {QStringLiteral("max_replication_slots = 0"), QStringLiteral("max_wal_senders = 0"),
                           QStringLiteral("max_slot_wal_keep_size = '64MB'")};
        m_bad = std::make_unique<test::TestCluster>(QStringLiteral("assess-bad"), bad);

        m_src->sql(
            QStringLiteral("postgres"),
            QStringLiteral("CREATE ROLE app_owner LOGIN PASSWORD 'app-pw-1';"
                           "CREATE ROLE noreplic LOGIN PASSWORD 'noreplic-pw-1';"
                           "CREATE DATABASE clean; CREATE DATABASE shop; CREATE DATABASE \"sales;2019\";"
                           "CREATE DATABASE legacy TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' "
                           "LC_CTYPE 'C';"));
        m_src->sql(QStringLiteral("clean"),
                   QStringLiteral("CREATE TABLE public.t (id int PRIMARY KEY, v text);"));
        m_src->sql(QStringLiteral("shop"), QString::fromUtf8(kShopSql));
        m_src->sql(QStringLiteral("sales;2019"),
                   QStringLiteral("CREATE TABLE public.s (id int PRIMARY KEY);"));

        m_tgt->sql(QStringLiteral("postgres"),
                   QStringLiteral("CREATE ROLE limited LOGIN PASSWORD 'limited-pw-1';"
                                  "CREATE DATABASE shop; CREATE DATABASE legacy;"));
        m_tgt->sql(QStringLiteral("shop"), QStringLiteral("CREATE TABLE public.existing (id int);"));
        // What an Azure flexible server reports; read only when the target is Azure.
        m_tgt->cluster().configure({QStringLiteral("azure.extensions = 'pg_trgm,pgcrypto'")});
    }

    void cleanupTestCase()
    {
        m_src.reset();
        m_tgt.reset();
        m_bad.reset();
    }

    void wellConfiguredPairPassesWithoutBlockers()
    {
        const assess::AssessmentReport r = assess::assess(input(*m_src, {QStringLiteral("clean")}));
        QVERIFY2(!r.hasBlockers(), qPrintable(describe(r)));
        for (const char *id : {"source.connectivity",
                               "target.connectivity",
                               "source.version",
                               "target.version",
                               "source.wal_level",
                               "source.max_replication_slots",
                               "source.max_wal_senders",
                               "source.replication_privilege",
                               "source.replication_connection",
                               "source.publication_privilege",
                               "source.long_transactions",
                               "source.wal_retention",
                               "database.name",
                               "database.encoding_collation",
                               "table.primary_key",
                               "table.name_case",
                               "table.unlogged",
                               "largeobject.present",
                               "extension.target_available",
                               "object.superuser_only",
                               "role.missing_on_target",
                               "target.database_not_empty",
                               "target.privileges"})
            QVERIFY2(expect(r, QLatin1String(id), Severity::Pass), id);
        QVERIFY(
            expect(r, QStringLiteral("source.ssl"), Severity::Warning)); // the test clusters run without SSL
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value(u"blockers").toInt(), 0);
        QVERIFY(json.value(u"checks").toArray().size() >= 20);
    }

    void replicationSettingsBlockOnlyOnlineMigrations_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QString>("fix");
        const QList<std::tuple<const char *, Severity, Severity, const char *>> rows{
            {"source.wal_level", Severity::Blocker, Severity::Info, "wal_level = logical"},
            {"source.max_replication_slots", Severity::Blocker, Severity::Info, "max_replication_slots = 10"},
            {"source.max_wal_senders", Severity::Blocker, Severity::Info, "max_wal_senders = 10"},
            {"source.wal_retention", Severity::Warning, Severity::Pass, "max_slot_wal_keep_size = -1"},
        };
        for (const auto &[id, online, offline, fix] : rows) {
            QTest::addRow("%s online", id)
                << QString::fromLatin1(id) << Mode::Online << online << QString::fromLatin1(fix);
            QTest::addRow("%s offline", id)
                << QString::fromLatin1(id) << Mode::Offline << offline << QString::fromLatin1(fix);
        }
    }
    void replicationSettingsBlockOnlyOnlineMigrations()
    {
        QFETCH(QString, id);
        QFETCH(Mode, mode);
        QFETCH(Severity, severity);
        QFETCH(QString, fix);
        const assess::AssessmentReport r = assess::assess(input(*m_bad, {QStringLiteral("postgres")}, mode));
        QVERIFY(expect(r, id, severity));
        if (severity != Severity::Pass) {
            const assess::Check *c = findCheck(r, id);
            QVERIFY2(c->remediation.contains(fix), qPrintable(c->remediation));
            QCOMPARE(c->fixes.first().where, assess::FixTarget::SourceConfig);
        }
        QCOMPARE(r.hasBlockers(), mode == Mode::Online);
    }

    void shopFindings_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<Engine>("engine");
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QString>("object");
        auto row = [](const char *name, const char *id, Mode mode, Engine engine, Severity severity,
                      const char *object) {
            QTest::newRow(name) << QString::fromLatin1(id) << mode << engine << severity
                                << QString::fromLatin1(object);
        };
        row("no key online", "table.primary_key", Mode::Online, Engine::Local, Severity::Blocker,
            "public.nokey");
        row("no key offline", "table.primary_key", Mode::Offline, Engine::Local, Severity::Info,
            "public.nokey");
        row("case collision", "table.name_case", Mode::Online, Engine::Local, Severity::Warning,
            "public.Orders");
        row("unlogged", "table.unlogged", Mode::Online, Engine::Local, Severity::Warning, "public.scratch");
        row("unlogged offline", "table.unlogged", Mode::Offline, Engine::Local, Severity::Info,
            "public.scratch");
        row("large object", "largeobject.present", Mode::Online, Engine::Local, Severity::Info,
            "1 large objects");
        row("large object, managed engine", "largeobject.present", Mode::Online, Engine::Azure,
            Severity::Warning, "1 large objects");
        row("non-empty target", "target.database_not_empty", Mode::Online, Engine::Local, Severity::Blocker,
            "public.existing");
        row("missing role", "role.missing_on_target", Mode::Online, Engine::Local, Severity::Warning,
            "app_owner");
        row("extension available locally", "extension.target_available", Mode::Online, Engine::Local,
            Severity::Pass, "hstore");
        row("extension not allow-listed on Azure", "extension.target_available", Mode::Online, Engine::Azure,
            Severity::Blocker, "hstore");
        row("superuser objects on a superuser target", "object.superuser_only", Mode::Online, Engine::Local,
            Severity::Pass, "event trigger pgferry_test_evt");
        row("event trigger on Azure", "object.superuser_only", Mode::Online, Engine::Azure, Severity::Blocker,
            "event trigger pgferry_test_evt");
        row("C function on Azure", "object.superuser_only", Mode::Online, Engine::Azure, Severity::Blocker,
            "C function public.c_fn(cstring)");
    }
    void shopFindings()
    {
        QFETCH(QString, id);
        QFETCH(Mode, mode);
        QFETCH(Engine, engine);
        QFETCH(Severity, severity);
        QFETCH(QString, object);
        const assess::AssessmentReport r =
            assess::assess(input(*m_src, {QStringLiteral("shop")}, mode, engine));
        QVERIFY(expect(r, id, severity, QString()));
        const assess::Check *c = findCheck(r, id);
        QVERIFY2(c->objects.contains(object), qPrintable(c->objects.join(u", ")));
    }

    void primaryKeyRemediationIsExactQuotedSql()
    {
        const assess::AssessmentReport r = assess::assess(input(*m_src, {QStringLiteral("shop")}));
        const assess::Check *c = findCheck(r, QStringLiteral("table.primary_key"));
        QVERIFY(c);
        QCOMPARE(c->database, QStringLiteral("shop"));
        QVERIFY2(c->remediation.contains(
                     u"ALTER TABLE \"public\".\"uniq\" REPLICA IDENTITY USING INDEX \"uniq_a\";"),
                 qPrintable(c->remediation));
        QVERIFY(c->remediation.contains(u"ALTER TABLE \"public\".\"nokey\" REPLICA IDENTITY FULL;"));
        QVERIFY(c->remediation.contains(u"ALTER TABLE \"public\".\"we\"\"ird\" REPLICA IDENTITY FULL;"));
        // REPLICA IDENTITY FULL and a primary key are both usable.
        QVERIFY(!c->objects.contains(u"public.full_identity"));
        QVERIFY(!c->objects.contains(u"public.orders"));
        QCOMPARE(c->fixes.first().where, assess::FixTarget::SourceSql);
        QCOMPARE(c->fixes.first().database, QStringLiteral("shop"));

        // Applying the remediation clears the blocker.
        const QString sql = c->fixes.first().text;
        m_src->sql(QStringLiteral("shop"), sql + u'\n');
        const assess::AssessmentReport after = assess::assess(input(*m_src, {QStringLiteral("shop")}));
        QVERIFY(expect(after, QStringLiteral("table.primary_key"), Severity::Pass));
        m_src->sql(QStringLiteral("shop"),
                   QStringLiteral("ALTER TABLE public.nokey REPLICA IDENTITY DEFAULT;"
                                  "ALTER TABLE public.uniq REPLICA IDENTITY DEFAULT;"
                                  "ALTER TABLE public.\"we\"\"ird\" REPLICA IDENTITY DEFAULT;"));
    }

    void caseCollisionRemediationRenamesTheMixedCaseName()
    {
        const assess::AssessmentReport r = assess::assess(input(*m_src, {QStringLiteral("shop")}));
        const assess::Check *c = findCheck(r, QStringLiteral("table.name_case"));
        QVERIFY(c);
        QVERIFY(c->objects.contains(u"public.orders"));
        QVERIFY2(c->remediation.contains(u"ALTER TABLE \"public\".\"Orders\" RENAME TO \"orders_2\";"),
                 qPrintable(c->remediation));
        // Optional: pgferry copies both tables. Applying the whole fix script must not rename the
        // application's table, so the rename is there only commented out.
        QCOMPARE(c->fixes.size(), 1);
        QVERIFY(c->fixes.first().optional);
        const QString script = r.fixScript();
        QVERIFY2(script.contains(u"\n-- ALTER TABLE \"public\".\"Orders\" RENAME TO \"orders_2\";"),
                 qPrintable(script));
        for (const QString &line : script.split(u'\n'))
            QVERIFY2(line.startsWith(u"--") || line.startsWith(u'#') || !line.contains(u"RENAME TO"),
                     qPrintable(line));
    }

    void excludedTablesAreNotChecked()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("shop")});
        in.databases.first().excludeTables = {QStringLiteral("public.nokey"), QStringLiteral("public.uniq"),
                                              QStringLiteral("we*")};
        const assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("table.primary_key"), Severity::Pass));
    }

    void overwriteTurnsANonEmptyTargetIntoAWarning()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("shop")});
        in.overwrite = true;
        QVERIFY(expect(assess::assess(in), QStringLiteral("target.database_not_empty"), Severity::Warning));
    }

    void projectThatDoesNotCreateRolesIsBlockedByAMissingRole()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("shop")});
        in.createRoles = false;
        const assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("role.missing_on_target"), Severity::Blocker));
        QVERIFY(findCheck(r, QStringLiteral("role.missing_on_target"))
                    ->remediation.contains(u"CREATE ROLE \"app_owner\" LOGIN;"));
    }

    void loginWithoutReplicationIsBlocked()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("shop")});
        in.source.user = QStringLiteral("noreplic");
        in.source.password = QStringLiteral("noreplic-pw-1");
        const assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("source.replication_privilege"), Severity::Blocker));
        QVERIFY(findCheck(r, QStringLiteral("source.replication_privilege"))
                    ->remediation.contains(u"ALTER ROLE \"noreplic\" WITH REPLICATION;"));
        // It owns none of the tables either, so it cannot publish them.
        QVERIFY(expect(r, QStringLiteral("source.publication_privilege"), Severity::Blocker));
        const assess::Check *pub = findCheck(r, QStringLiteral("source.publication_privilege"));
        QVERIFY(pub->remediation.contains(u"GRANT \"app_owner\" TO \"noreplic\";"));
        QVERIFY(!pub->remediation.contains(u"GRANT \"postgres\""));
        QVERIFY(pub->remediation.contains(u"ALTER TABLE \"public\".\"nokey\" OWNER TO \"noreplic\";"));
        // Offline, neither matters.
        in.mode = Mode::Offline;
        QVERIFY(expect(assess::assess(in), QStringLiteral("source.replication_privilege"), Severity::Info));
    }

    // settings.cutover.fallback: the target must be a logical-decoding source too, and the source
    // user must be allowed to apply as a replica.
    void fallbackNeedsLogicalDecodingOnTheTargetAndAReplicaRoleOnTheSource()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("clean")});
        QVERIFY(!findCheck(assess::assess(in), QStringLiteral("target.fallback")));
        in.fallback = true;
        assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("target.fallback"), Severity::Pass));
        QVERIFY(expect(r, QStringLiteral("source.fallback"), Severity::Pass));

        in.target = m_bad->connInfo();
        r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("target.fallback"), Severity::Blocker));
        const assess::Check *c = findCheck(r, QStringLiteral("target.fallback"));
        QVERIFY2(c->message.contains(u"wal_level is replica") &&
                     c->message.contains(u"0 replication slots free"),
                 qPrintable(c->message));
        QVERIFY(c->remediation.contains(u"wal_level = logical"));

        in = input(*m_src, {QStringLiteral("clean")});
        in.fallback = true;
        in.source.user = QStringLiteral("noreplic");
        in.source.password = QStringLiteral("noreplic-pw-1");
        r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("source.fallback"), Severity::Blocker));
        QVERIFY(findCheck(r, QStringLiteral("source.fallback"))
                    ->remediation.contains(u"session_replication_role"));

        // On Azure, a target user outside azure_pg_admin without REPLICATION: connect as the admin user.
        in = input(*m_src, {QStringLiteral("clean")});
        in.fallback = true;
        in.targetIsAzure = true;
        in.target = m_src->connInfo();
        in.target.user = QStringLiteral("noreplic");
        in.target.password = QStringLiteral("noreplic-pw-1");
        r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("target.fallback"), Severity::Blocker));
        c = findCheck(r, QStringLiteral("target.fallback"));
        QVERIFY2(c->message.contains(u"lacks the REPLICATION right"), qPrintable(c->message));
        QVERIFY2(c->remediation.contains(u"not a member of azure_pg_admin") &&
                     c->remediation.contains(u"admin user"),
                 qPrintable(c->remediation));

        // Checks beside the probes (the Azure server parameters read through ARM) join the report.
        in.extraChecks = [] {
            assess::Check x;
            x.id = QStringLiteral("target.azure_parameters");
            x.severity = Severity::Blocker;
            x.setFixes({assess::Fix{
                assess::FixTarget::Manual, {}, QStringLiteral("pgferry-cli azure prepare-fallback --yes")}});
            return QList<assess::Check>{x};
        };
        QVERIFY(expect(assess::assess(in), QStringLiteral("target.azure_parameters"), Severity::Blocker));
    }

    void sslOffIsAWarningLocallyAndABlockerForAzure_data()
    {
        QTest::addColumn<Engine>("engine");
        QTest::addColumn<Severity>("severity");
        QTest::newRow("local") << Engine::Local << Severity::Warning;
        QTest::newRow("azure") << Engine::Azure << Severity::Blocker;
    }
    void sslOffIsAWarningLocallyAndABlockerForAzure()
    {
        QFETCH(Engine, engine);
        QFETCH(Severity, severity);
        const assess::AssessmentReport r =
            assess::assess(input(*m_src, {QStringLiteral("clean")}, Mode::Online, engine));
        QVERIFY(expect(r, QStringLiteral("source.ssl"), severity));
        const assess::Check *c = findCheck(r, QStringLiteral("source.ssl"));
        QVERIFY(c->remediation.contains(u"ssl = on"));
        QVERIFY(c->remediation.contains(u"ssl_min_protocol_version = 'TLSv1.2'"));
    }

    void sslWithAnOldMinimumProtocolIsFlagged()
    {
        // A self-signed certificate for the misconfigured cluster; SSL settings apply on reload.
        const QString data = m_bad->cluster().dataDir();
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-x509"),
                       QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-nodes"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-out"),
                       data + QStringLiteral("/server.crt"), QStringLiteral("-keyout"),
                       data + QStringLiteral("/server.key")});
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        QFile::setPermissions(data + QStringLiteral("/server.key"), QFile::ReadOwner | QFile::WriteOwner);
        if (sandbox::LocalCluster::runningAsRoot()) {
            const passwd *pw = ::getpwnam("postgres");
            QVERIFY(pw);
            for (const char *f : {"/server.crt", "/server.key"})
                QCOMPARE(
                    ::chown(QFile::encodeName(data + QLatin1String(f)).constData(), pw->pw_uid, pw->pw_gid),
                    0);
        }
        m_bad->cluster().configure(
            {QStringLiteral("ssl = on"), QStringLiteral("ssl_min_protocol_version = 'TLSv1'")});
        assess::AssessmentReport r = assess::assess(input(*m_bad, {QStringLiteral("postgres")}));
        QVERIFY(expect(r, QStringLiteral("source.ssl"), Severity::Warning));
        QVERIFY(findCheck(r, QStringLiteral("source.ssl"))->objects.contains(u"TLSv1"));

        m_bad->cluster().configure({QStringLiteral("ssl_min_protocol_version = 'TLSv1.2'")});
        r = assess::assess(input(*m_bad, {QStringLiteral("postgres")}));
        QVERIFY(expect(r, QStringLiteral("source.ssl"), Severity::Pass));
    }

    void semicolonInADatabaseName_data()
    {
        QTest::addColumn<Engine>("engine");
        QTest::addColumn<Severity>("severity");
        QTest::newRow("local") << Engine::Local << Severity::Warning;
        QTest::newRow("azure") << Engine::Azure << Severity::Blocker;
    }
    void semicolonInADatabaseName()
    {
        QFETCH(Engine, engine);
        QFETCH(Severity, severity);
        const QString db = QStringLiteral("sales;2019");
        const assess::AssessmentReport r = assess::assess(input(*m_src, {db}, Mode::Online, engine));
        QVERIFY(expect(r, QStringLiteral("database.name"), severity, db));
        QVERIFY(findCheck(r, QStringLiteral("database.name"), db)
                    ->remediation.contains(u"ALTER DATABASE \"sales;2019\" RENAME TO \"sales_2019\";"));
        // pgferry itself reaches the database: its per-database checks ran.
        QVERIFY(expect(r, QStringLiteral("table.primary_key"), Severity::Pass, db));
    }

    void encodingMismatchWithAnExistingTargetIsABlocker()
    {
        const assess::AssessmentReport r = assess::assess(input(*m_src, {QStringLiteral("legacy")}));
        QVERIFY(expect(r, QStringLiteral("database.encoding_collation"), Severity::Blocker));
        QVERIFY(findCheck(r, QStringLiteral("database.encoding_collation"))
                    ->remediation.contains(
                        u"CREATE DATABASE \"legacy\" TEMPLATE template0 ENCODING 'SQL_ASCII'"));
    }

    void targetUserWithoutCreatedbIsBlocked()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("clean")});
        in.target.user = QStringLiteral("limited");
        in.target.password = QStringLiteral("limited-pw-1");
        const assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("target.privileges"), Severity::Blocker));
        QVERIFY(findCheck(r, QStringLiteral("target.privileges"))
                    ->remediation.contains(u"ALTER ROLE \"limited\" CREATEDB CREATEROLE;"));
    }

    void longTransactionIsReported()
    {
        pg::Connection holder = m_src->connect(QStringLiteral("clean"));
        holder.exec(QStringLiteral("BEGIN"));
        holder.exec(QStringLiteral("SELECT txid_current()"));
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("clean")});
        in.longTransactionAge = 0s;
        const assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("source.long_transactions"), Severity::Warning));
        QVERIFY(
            findCheck(r, QStringLiteral("source.long_transactions"))
                ->remediation.contains(QStringLiteral("pg_terminate_backend(%1)").arg(holder.backendPid())));
        holder.exec(QStringLiteral("ROLLBACK"));
    }

    void unreachableTargetIsToldApartAndSourceChecksStillRun_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("refused") << QStringLiteral("Refused");
        QTest::newRow("dns") << QStringLiteral("DNS");
        QTest::newRow("auth") << QStringLiteral("Authentication");
        QTest::newRow("tls") << QStringLiteral("TLS");
        QTest::newRow("timeout") << QStringLiteral("Timeout");
    }
    void unreachableTargetIsToldApartAndSourceChecksStillRun()
    {
        QFETCH(QString, kind);
        QTcpServer silent; // accepts and never answers
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("clean")});
        if (kind == u"Refused") {
            in.target.port = sandbox::freeLoopbackPort();
        } else if (kind == u"DNS") {
            in.target.host = QStringLiteral("no-such-host.invalid");
        } else if (kind == u"Authentication") {
            in.target.password = QStringLiteral("wrong-password-123");
        } else if (kind == u"TLS") {
            in.target.sslmode = QStringLiteral("require"); // the target runs without SSL
        } else {
            QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
            in.target.port = silent.serverPort();
            in.target.connectTimeoutSeconds = 0;
            in.connectTimeout = 700ms;
        }
        const assess::AssessmentReport r = assess::assess(in);
        const assess::Check *c = findCheck(r, QStringLiteral("target.connectivity"));
        QVERIFY(c);
        QCOMPARE(c->severity, Severity::Blocker);
        QVERIFY2(c->message.startsWith(kind + u':'), qPrintable(c->message));
        QVERIFY(!c->remediation.isEmpty());
        QVERIFY(!c->message.contains(u"wrong-password-123"));
        QVERIFY(!r.toJson().value(u"checks").toArray().isEmpty());
        // The source side finished regardless.
        QVERIFY(expect(r, QStringLiteral("source.wal_level"), Severity::Pass));
        QVERIFY(expect(r, QStringLiteral("table.primary_key"), Severity::Pass));
        QVERIFY(!findCheck(r, QStringLiteral("target.version"))); // needs both servers
    }

    void unreachableSourceDoesNotHideTheTarget()
    {
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("clean")});
        in.source.port = sandbox::freeLoopbackPort();
        const assess::AssessmentReport r = assess::assess(in);
        QVERIFY(expect(r, QStringLiteral("source.connectivity"), Severity::Blocker));
        QVERIFY(expect(r, QStringLiteral("target.privileges"), Severity::Pass));
    }

    void missingSourceDatabaseIsABlocker()
    {
        const assess::AssessmentReport r = assess::assess(input(*m_src, {QStringLiteral("no_such_db")}));
        const assess::Check *c =
            findCheck(r, QStringLiteral("source.connectivity"), QStringLiteral("no_such_db"));
        QVERIFY(c);
        QCOMPARE(c->severity, Severity::Blocker);
        QVERIFY(expect(r, QStringLiteral("source.wal_level"), Severity::Pass));
    }

    void cancelFlagStopsAnAssessmentWaitingForASilentServer()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        std::atomic_bool cancel{false};
        assess::AssessmentInput in = input(*m_src, {QStringLiteral("clean")});
        in.target.port = silent.serverPort();
        in.target.connectTimeoutSeconds = 0;
        in.connectTimeout = 600s; // only the cancel can end the wait in time
        in.cancel = &cancel;
        auto done = std::async(std::launch::async, [in] { return assess::assess(in); });
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), 20000);
        cancel = true;
        QTRY_VERIFY_WITH_TIMEOUT(done.wait_for(0s) == std::future_status::ready, 20000);
        const assess::AssessmentReport r = done.get();
        QVERIFY(expect(r, QStringLiteral("assessment.cancelled"), Severity::Blocker));
        QVERIFY(r.hasBlockers());
    }

    void fixScriptCollectsTheRemediations()
    {
        const assess::AssessmentReport r = assess::assess(input(*m_bad, {QStringLiteral("postgres")}));
        const QString script = r.fixScript();
        QVERIFY2(script.contains(u"wal_level = logical"), qPrintable(script));
        QVERIFY(script.contains(u"Source server, postgresql.conf"));
        QVERIFY(!r.toHtml().isEmpty());
    }

    // A slot named like pgferry's that this project does not own, inactive: a warning that names it
    // with the WAL it holds and the exact statement that drops it. The project's own slot is not
    // reported, and neither is anything once the foreign slot is gone.
    void anOrphanedPgferrySlotOfAnotherProjectIsAWarningWithItsDropStatement_data()
    {
        QTest::addColumn<QString>("major"); // of the source; empty: the default installation's
        QTest::newRow("default") << QString();
        QTest::newRow("9.6") << QStringLiteral("9.6"); // pg_xlog_location_diff, pg_current_xlog_location
        QTest::newRow("10") << QStringLiteral("10");   // the first with pg_wal_lsn_diff
    }
    void anOrphanedPgferrySlotOfAnotherProjectIsAWarningWithItsDropStatement()
    {
        QFETCH(QString, major);
        std::unique_ptr<test::TestCluster> other;
        if (!major.isEmpty()) {
            PGFERRY_REQUIRE_MAJOR(major);
            other = std::make_unique<test::TestCluster>(QStringLiteral("assess-slots-") + major,
                                                        test::optionsFor(major));
            other->createDatabase(QStringLiteral("clean"));
        }
        test::TestCluster &src = other ? *other : *m_src;
        const QString ownId = QStringLiteral("0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        const QString own = project::migrationObjectName(ownId, 0); // pgferry_0a1b2c3d4e5f_0
        const QString foreign = QStringLiteral("pgferry_ffffeeeedddd_0");
        src.sql(QStringLiteral("clean"),
                QStringLiteral(
                    "SELECT pg_create_logical_replication_slot('%1', 'test_decoding');"
                    "SELECT pg_create_logical_replication_slot('%2', 'test_decoding');"
                    "CREATE TABLE IF NOT EXISTS public.walfill (x text);"
                    "INSERT INTO public.walfill SELECT repeat('x', 1000) FROM generate_series(1, 2000);")
                    .arg(own, foreign));
        assess::AssessmentInput in = input(src, {QStringLiteral("clean")});
        in.projectId = ownId;
        const assess::AssessmentReport r = assess::assess(in);
        src.sql(QStringLiteral("clean"),
                QStringLiteral("SELECT pg_drop_replication_slot('%1'); SELECT pg_drop_replication_slot('%2');"
                               "DROP TABLE public.walfill;")
                    .arg(own, foreign));
        QVERIFY(expect(r, QStringLiteral("source.orphaned_slots"), Severity::Warning));
        const assess::Check *c = findCheck(r, QStringLiteral("source.orphaned_slots"));
        QCOMPARE(c->objects.size(), 1);
        QVERIFY2(
            c->objects.first().startsWith(foreign + QStringLiteral(" (database clean, inactive, holding ")),
            qPrintable(c->objects.first()));
        QVERIFY2(c->objects.first().contains(QStringLiteral("of WAL")), qPrintable(c->objects.first()));
        QVERIFY2(
            c->remediation.contains(QStringLiteral("SELECT pg_drop_replication_slot('%1');").arg(foreign)),
            qPrintable(c->remediation));
        QVERIFY2(!c->remediation.contains(own) && !c->message.contains(own), qPrintable(c->remediation));
        // Never applied by running the whole fix script: that migration may only be paused.
        QCOMPARE(c->fixes.size(), 1);
        QVERIFY(c->fixes.first().optional);

        // Gone: the check passes.
        QVERIFY(expect(assess::assess(in), QStringLiteral("source.orphaned_slots"), Severity::Pass));
    }
};

QTEST_GUILESS_MAIN(TestAssessment)
#include "tst_assessment.moc"
