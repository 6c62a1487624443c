// Project files: round trip, validation with exact paths, upgrade from version 0, unknown fields,
// refusal of newer versions and of secrets, file errors, atomic saving.
#include "project/projectfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

using namespace pgferry::project;

namespace {

Project sampleProject()
{
    Project p;
    p.id = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
    p.name = QStringLiteral("Sales → Azure; Q3 \"rehearsal\"");
    p.source.host = QStringLiteral("db.example.com");
    p.source.port = 6543;
    p.source.user = QStringLiteral("alice");
    p.source.database = QStringLiteral("postgres");
    p.source.sslmode = QStringLiteral("require");
    p.source.passfile = QStringLiteral("/home/alice/.pgpass-sales");
    p.target.host = QStringLiteral("sales.postgres.database.azure.com");
    p.target.user = QStringLiteral("admin_bob");
    p.target.sslmode = QStringLiteral("verify-full");
    p.target.sslrootcert = QStringLiteral("/etc/ssl/azure-ca.pem");
    p.target.applicationName = QStringLiteral("pgferry-q3");
    p.target.azureResourceId = QStringLiteral("/subscriptions/0000/resourceGroups/rg/providers/"
                                              "Microsoft.DBforPostgreSQL/flexibleServers/sales");
    p.mode = Mode::Offline;
    p.engine = Engine::Azure;
    DatabaseSelection a;
    a.name = QStringLiteral("sales;2019");
    a.targetName = QStringLiteral("sales:archive");
    a.includeTables = {QStringLiteral("public.*"), QStringLiteral("audit.log_?")};
    a.excludeTables = {QStringLiteral("public.tmp_*")};
    DatabaseSelection b;
    b.name = QStringLiteral("Ünïcødé db");
    p.databases = {a, b};
    p.settings.jobs = 12;
    p.settings.indexJobs = 3;
    p.settings.splitThresholdBytes = 5000000000LL;
    p.settings.verify = false;
    p.settings.verifyLevel = VerifyLevel::Count;
    p.settings.schema = {true, true, true, false};
    p.settings.cutover = {false, 1234567, 42};
    p.azure.cloud = QStringLiteral("AzureUSGovernment");
    p.azure.tenantId = QStringLiteral("tenant-1");
    p.azure.subscriptionId = QStringLiteral("sub-2");
    p.azure.resourceGroup = QStringLiteral("rg");
    p.azure.serverName = QStringLiteral("sales");
    p.azure.migrationName = QStringLiteral("q3");
    return p;
}

QJsonObject minimalJson()
{
    return QJsonObject{
        {QStringLiteral("format"), QStringLiteral("pgferry-project")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("id"), QStringLiteral("p-1")},
        {QStringLiteral("source"), QJsonObject{{QStringLiteral("host"), QStringLiteral("src")}}},
        {QStringLiteral("target"), QJsonObject{{QStringLiteral("host"), QStringLiteral("tgt")}}}};
}

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// minimalJson() with `value` set at a dotted path, e.g. "settings.schema.overwrite".
QByteArray minimalWith(const QString &path, const QJsonValue &value)
{
    QJsonObject root = minimalJson();
    const QStringList parts = path.split(u'.');
    std::function<void(QJsonObject &, int)> set = [&](QJsonObject &o, int i) {
        if (i == parts.size() - 1) {
            o.insert(parts[i], value);
            return;
        }
        QJsonObject inner = o.value(parts[i]).toObject();
        set(inner, i + 1);
        o.insert(parts[i], inner);
    };
    set(root, 0);
    return toJson(root);
}

QByteArray withDatabases(const QJsonArray &dbs)
{
    QJsonObject o = minimalJson();
    o.insert(u"databases", dbs);
    return toJson(o);
}

} // namespace

class TestProjectFile : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void aProjectLoadsBackEqualAfterSaving()
    {
        const Project p = sampleProject();
        const LoadResult r = parseProject(serializeProject(p));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QVERIFY(*r.project == p);
    }

    // settings.cutover.fallback round-trips, and is runnable only online, locally, with the
    // source made read-only at cutover.
    void theFallbackSettingRoundTripsAndNeedsAnOnlineLocalReadOnlyCutover()
    {
        Project p = sampleProject();
        p.mode = Mode::Online;
        p.engine = Engine::Local;
        p.settings.cutover.fallback = true;
        p.settings.cutover.makeSourceReadOnly = true;
        const LoadResult r = parseProject(serializeProject(p));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QVERIFY(r.project->settings.cutover.fallback);
        QVERIFY(checkRunnable(p).isEmpty());
        Project offline = p;
        offline.mode = Mode::Offline;
        QVERIFY(checkRunnable(offline).join(u' ').contains(u"settings.cutover.fallback"));
        Project writable = p;
        writable.settings.cutover.makeSourceReadOnly = false;
        QVERIFY(checkRunnable(writable).join(u' ').contains(u"make_source_read_only"));
    }

    void theFileNamesItsFormatAndVersionAndHoldsNoSecret()
    {
        const QJsonObject o = QJsonDocument::fromJson(serializeProject(sampleProject())).object();
        QCOMPARE(o.value(u"format").toString(), QStringLiteral("pgferry-project"));
        QCOMPARE(o.value(u"version").toInt(), 1);
        QCOMPARE(o.value(u"databases").toArray().at(0).toObject().value(u"name").toString(),
                 QStringLiteral("sales;2019"));
        const QByteArray text = serializeProject(sampleProject()).toLower();
        QVERIFY(!text.contains("password"));
        QVERIFY(!text.contains("secret"));
        QVERIFY(!text.contains("token"));
    }

    void secretsPutIntoUnknownFieldsAreNeverWritten()
    {
        Project p = sampleProject();
        p.unknownFields.insert(u"password", QStringLiteral("do-not-write-me"));
        p.unknownFields.insert(
            u"source", QJsonObject{{QStringLiteral("access_token"), QStringLiteral("do-not-write-me")}});
        QVERIFY(!serializeProject(p).contains("do-not-write-me"));
    }

    void aMinimalFileGetsTheDefaults()
    {
        const LoadResult r = parseProject(toJson(minimalJson()));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const Project &p = *r.project;
        QCOMPARE(p.id, QStringLiteral("p-1"));
        QCOMPARE(p.source.host, QStringLiteral("src"));
        QCOMPARE(p.source.port, 5432);
        QCOMPARE(p.source.database, QStringLiteral("postgres"));
        QCOMPARE(p.mode, Mode::Online);
        QCOMPARE(p.engine, Engine::Local);
        QVERIFY(p.databases.isEmpty());
        QVERIFY(p.settings == AdvancedSettings{});
        QVERIFY(p.azure == AzureContext{});
        QVERIFY(p.unknownFields.isEmpty());
    }

    void badContentGetsAClearMessageNamingThePath_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        auto row = [](const char *tag, const QByteArray &json, const QString &expected) {
            QTest::newRow(tag) << json << expected;
        };
        const QJsonValue undefined(QJsonValue::Undefined);
        row("empty", "", QStringLiteral("the file is empty"));
        row("only whitespace", " \n\t ", QStringLiteral("the file is empty"));
        row("not JSON", "hello, world", QStringLiteral("not valid JSON at line 1, column "));
        row("not JSON on line 3", "{\n  \"format\": \"pgferry-project\",\n  oops }",
            QStringLiteral("not valid JSON at line 3"));
        row("truncated object", "{\"format\": \"pgferry-project\", \"version\": 1, \"id\": \"a\"",
            QStringLiteral("truncated"));
        row("truncated string", "{\"format\": \"pgferry-proj", QStringLiteral("truncated"));
        row("truncated after colon", "{\"format\":", QStringLiteral("truncated"));
        row("garbage after the object", "{\"format\": \"pgferry-project\"} trailing",
            QStringLiteral("not valid JSON"));
        row("invalid UTF-8", "{\"name\": \"\xff\xfe\"}", QStringLiteral("not valid JSON"));
        row("top-level array", "[1, 2, 3]", QStringLiteral("expected a JSON object at the top level"));
        row("top-level string", "\"pgferry\"", QStringLiteral("not valid JSON"));
        row("too deeply nested", QByteArray(5000, '['), QStringLiteral("not valid JSON"));
        row("another format", "{\"format\": \"pgadmin-servers\", \"version\": 1}",
            QStringLiteral("format: expected \"pgferry-project\", found the string \"pgadmin-servers\""));
        row("format is a number", "{\"format\": 7, \"version\": 1}",
            QStringLiteral("format: expected \"pgferry-project\", found the number 7"));
        row("no format, no version", "{\"name\": \"x\"}", QStringLiteral("format: missing"));
        row("no version", "{\"format\": \"pgferry-project\"}", QStringLiteral("version: missing"));
        row("version 1 without format", "{\"version\": 1, \"id\": \"a\"}", QStringLiteral("format: missing"));
        row("version is a string", "{\"format\": \"pgferry-project\", \"version\": \"1\"}",
            QStringLiteral("version: expected a whole number, found the string \"1\""));
        row("version is a fraction", "{\"format\": \"pgferry-project\", \"version\": 1.5}",
            QStringLiteral("version: expected a whole number, found the number 1.5"));
        row("version is negative", "{\"format\": \"pgferry-project\", \"version\": -3}",
            QStringLiteral("version: expected a whole number"));
        row("newer version", "{\"format\": \"pgferry-project\", \"version\": 2, \"id\": \"a\"}",
            QStringLiteral("version: this file is version 2, written by a newer pgferry; this build reads "
                           "project files up to version 1"));
        row("far newer version", "{\"format\": \"pgferry-project\", \"version\": 1e300}",
            QStringLiteral("version: this file is version 1e+300"));
        row("id missing", minimalWith(QStringLiteral("id"), undefined), QStringLiteral("id: missing"));
        row("id is a number", minimalWith(QStringLiteral("id"), 12),
            QStringLiteral("id: expected a string, found the number 12"));
        row("id escapes the state folder", minimalWith(QStringLiteral("id"), QStringLiteral("../../etc")),
            QStringLiteral("id: \"../../etc\" is not a valid id"));
        row("id with a slash", minimalWith(QStringLiteral("id"), QStringLiteral("a/b")),
            QStringLiteral("is not a valid id"));
        row("name is a number", minimalWith(QStringLiteral("name"), 5),
            QStringLiteral("name: expected a string, found the number 5"));
        row("name is null", minimalWith(QStringLiteral("name"), QJsonValue::Null),
            QStringLiteral("name: expected a string, found null"));
        row("unknown mode", minimalWith(QStringLiteral("mode"), QStringLiteral("sideways")),
            QStringLiteral("mode: expected \"online\" or \"offline\", found \"sideways\""));
        row("unknown engine", minimalWith(QStringLiteral("engine"), QStringLiteral("cloud")),
            QStringLiteral("engine: expected \"local\" or \"azure\""));
        row("source missing", minimalWith(QStringLiteral("source"), undefined),
            QStringLiteral("source: missing"));
        row("target is an array", minimalWith(QStringLiteral("target"), QJsonArray{1}),
            QStringLiteral("target: expected an object, found an array"));
        row("port is a string", minimalWith(QStringLiteral("source.port"), QStringLiteral("5432")),
            QStringLiteral("source.port: expected a whole number, found the string \"5432\""));
        row("port out of range", minimalWith(QStringLiteral("target.port"), 70000),
            QStringLiteral("target.port: expected a whole number from 1 to 65535, found 70000"));
        row("port is a fraction", minimalWith(QStringLiteral("source.port"), 54.32),
            QStringLiteral("source.port: expected a whole number"));
        row("empty maintenance database", minimalWith(QStringLiteral("source.database"), QStringLiteral("")),
            QStringLiteral("source.database: expected a database name, found an empty string"));
        row("unknown verify level",
            minimalWith(QStringLiteral("settings.verify_level"), QStringLiteral("some")),
            QStringLiteral("settings.verify_level: expected \"full\" (row counts and checksums) or \"count\" "
                           "(row counts "
                           "only), found \"some\""));
        row("unknown sslmode", minimalWith(QStringLiteral("target.sslmode"), QStringLiteral("maybe")),
            QStringLiteral(
                "target.sslmode: expected one of disable, allow, prefer, require, verify-ca, verify-full"));
        row("bad resource id",
            minimalWith(QStringLiteral("target.azure_resource_id"), QStringLiteral("sales")),
            QStringLiteral("target.azure_resource_id: expected an Azure resource id"));
        row("password in source",
            minimalWith(QStringLiteral("source.password"), QStringLiteral("pw-in-file")),
            QStringLiteral("source.password: project files never hold passwords"));
        row("token at the top", minimalWith(QStringLiteral("access_token"), QStringLiteral("tok-in-file")),
            QStringLiteral("access_token: project files never hold passwords, tokens or keys"));
        row("secret deep in an unknown field",
            minimalWith(QStringLiteral("plugins.azure.client_secret"), QStringLiteral("s")),
            QStringLiteral("plugins.azure.client_secret: project files never hold"));
        row("URI with a password in an unknown field",
            minimalWith(QStringLiteral("legacy"), QStringLiteral("postgresql://u:pw@h/db")),
            QStringLiteral("legacy: holds a connection URI with a password"));
        row("databases is an object", minimalWith(QStringLiteral("databases"), QJsonObject{}),
            QStringLiteral("databases: expected an array of objects, found an object"));
        row("database entry is a string", withDatabases({QStringLiteral("sales")}),
            QStringLiteral("databases[0]: expected an object such as {\"name\": \"sales\"}, found the string "
                           "\"sales\""));
        row("database name is a number",
            withDatabases({QJsonObject{{QStringLiteral("name"), QStringLiteral("a")}},
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("b")}},
                           QJsonObject{{QStringLiteral("name"), 3}}}),
            QStringLiteral("databases[2].name: expected a string, found the number 3"));
        row("database name missing",
            withDatabases({QJsonObject{{QStringLiteral("target_name"), QStringLiteral("a")}}}),
            QStringLiteral("databases[0].name: missing"));
        row("database listed twice",
            withDatabases({QJsonObject{{QStringLiteral("name"), QStringLiteral("a")}},
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("a")}}}),
            QStringLiteral("databases[1].name: \"a\" is listed twice (also databases[0])"));
        row("two databases into one",
            withDatabases({QJsonObject{{QStringLiteral("name"), QStringLiteral("a")}},
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("b")},
                                       {QStringLiteral("target_name"), QStringLiteral("a")}}}),
            QStringLiteral(
                "databases[1].target_name: two databases would be migrated into \"a\" (also databases[0])"));
        row("database name too long",
            withDatabases({QJsonObject{{QStringLiteral("name"), QString(64, u'x')}}}),
            QStringLiteral("is longer than 63 bytes"));
        row("database name with NUL",
            "{\"format\":\"pgferry-project\",\"version\":1,\"id\":\"a\",\"source\":{},\"target\":{},"
            "\"databases\":[{\"name\":\"a\\u0000b\"}]}",
            QStringLiteral("databases[0].name: contains a NUL character"));
        row("lone surrogate",
            "{\"format\":\"pgferry-project\",\"version\":1,\"id\":\"a\",\"source\":{},\"target\":{},\"name\":"
            "\"\\ud800\"}",
            QStringLiteral("name: contains a NUL character or invalid Unicode"));
        row("table pattern is a number",
            withDatabases(
                {QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                             {QStringLiteral("include_tables"), QJsonArray{QStringLiteral("x"), 1}}}}),
            QStringLiteral("databases[0].include_tables[1]: expected a string, found the number 1"));
        row("jobs zero", minimalWith(QStringLiteral("settings.jobs"), 0),
            QStringLiteral("settings.jobs: expected a whole number from 1 to 256, found 0"));
        row("jobs as text", minimalWith(QStringLiteral("settings.jobs"), QStringLiteral("4")),
            QStringLiteral("settings.jobs: expected a whole number"));
        row("schema option as text",
            minimalWith(QStringLiteral("settings.schema.overwrite"), QStringLiteral("yes")),
            QStringLiteral("settings.schema.overwrite: expected true or false, found the string \"yes\""));
        row("negative drain timeout",
            minimalWith(QStringLiteral("settings.cutover.drain_timeout_seconds"), -1),
            QStringLiteral(
                "settings.cutover.drain_timeout_seconds: expected a whole number from 1 to 604800"));
        row("tenant is a number", minimalWith(QStringLiteral("azure.tenant_id"), 5),
            QStringLiteral("azure.tenant_id: expected a string"));
        row("control characters are escaped",
            minimalWith(QStringLiteral("mode"), QStringLiteral("\x1b[31mred")),
            QStringLiteral("found \"\\u001b[31mred\""));
    }
    void badContentGetsAClearMessageNamingThePath()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const LoadResult r = parseProject(json);
        QVERIFY(!r.ok());
        QVERIFY(!r.project.has_value());
        QVERIFY(!r.errors.isEmpty());
        const QString all = r.errors.join(u'\n');
        QVERIFY2(all.contains(expected),
                 qPrintable(QStringLiteral("expected \"%1\" in:\n%2").arg(expected, all)));
        QVERIFY2(!all.contains(u"pw-in-file") && !all.contains(u"tok-in-file"),
                 "an error message repeats a secret");
        QVERIFY2(!all.contains(QChar(0x1b)), "an error message passes a control character through");
    }

    void everyProblemIsReportedNotOnlyTheFirst()
    {
        QJsonObject o = minimalJson();
        o.insert(u"name", 1);
        o.insert(u"mode", QStringLiteral("x"));
        o.insert(u"settings",
                 QJsonObject{{QStringLiteral("jobs"), -1}, {QStringLiteral("verify"), QStringLiteral("no")}});
        const LoadResult r = parseProject(toJson(o));
        QCOMPARE(r.errors.size(), 4);
    }

    void hostileInputNeverCrashes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QByteArray wide = "{\"format\":\"pgferry-project\",\"version\":1,\"id\":\"a\",\"source\":{},"
                          "\"target\":{},\"databases\":[";
        for (int i = 0; i < 20000; ++i)
            wide += "{\"name\":\"d" + QByteArray::number(i % 50) + "\"},";
        wide += "{}]}";
        QTest::newRow("many duplicate databases") << wide;
        QByteArray deepUnknown =
            "{\"format\":\"pgferry-project\",\"version\":1,\"id\":\"a\",\"source\":{},\"target\":{},\"x\":";
        deepUnknown += QByteArray(1000, '[') + QByteArray(1000, ']') + '}';
        QTest::newRow("deep unknown field") << deepUnknown;
        QTest::newRow("binary") << QByteArray("\x00\x01\x02{\"\xc3", 7);
        QTest::newRow("huge number") << QByteArray("{\"format\":\"pgferry-project\",\"version\":1,\"id\":"
                                                   "\"a\",\"source\":{\"port\":1e999},\"target\":{}}");
        QTest::newRow("nul in key") << QByteArray("{\"format\":\"pgferry-project\",\"version\":1,\"id\":"
                                                  "\"a\",\"source\":{},\"target\":{},\"a\\u0000b\":1}");
        QTest::newRow("v0 garbage") << QByteArray("{\"source_uri\": \"postgresql://[::1\", \"target_uri\": "
                                                  "5, \"databases\": [1, null], \"database_map\": []}");
    }
    void hostileInputNeverCrashes()
    {
        QFETCH(QByteArray, json);
        const LoadResult r = parseProject(json);
        QVERIFY(r.ok() || !r.errors.isEmpty());
        if (r.ok())
            QVERIFY(parseProject(serializeProject(*r.project)).project == r.project);
    }

    void aVersion0FileIsUpgraded()
    {
        const QByteArray v0 = "{\n"
                              "            \"version\": 0,\n"
                              "            \"name\": \"legacy\",\n"
                              "            \"source_uri\": "
                              "\"postgresql://alice@old.example.com:5433/postgres?sslmode=require\",\n"
                              "            \"target_uri\": \"postgresql://bob@new.example.com/postgres\",\n"
                              "            \"online\": false,\n"
                              "            \"jobs\": 6,\n"
                              "            \"databases\": [\"sales\", \"hr\"],\n"
                              "            \"database_map\": {\"hr\": \"people\"},\n"
                              "            \"azure_resource_id\": "
                              "\"/subscriptions/1/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/"
                              "flexibleServers/new\",\n"
                              "            \"colour\": \"teal\"\n"
                              "        }";
        const LoadResult r = parseProject(v0);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        const Project &p = *r.project;
        QCOMPARE(p.name, QStringLiteral("legacy"));
        QCOMPARE(p.source.host, QStringLiteral("old.example.com"));
        QCOMPARE(p.source.port, 5433);
        QCOMPARE(p.source.user, QStringLiteral("alice"));
        QCOMPARE(p.source.sslmode, QStringLiteral("require"));
        QCOMPARE(p.target.host, QStringLiteral("new.example.com"));
        QVERIFY(p.target.azureResourceId.endsWith(u"/flexibleServers/new"));
        QCOMPARE(p.mode, Mode::Offline);
        QCOMPARE(p.settings.jobs, 6);
        QCOMPARE(p.databases.size(), 2);
        QCOMPARE(p.databases[0].effectiveTarget(), QStringLiteral("sales"));
        QCOMPARE(p.databases[1].targetName, QStringLiteral("people"));
        QCOMPARE(p.unknownFields.value(u"colour").toString(), QStringLiteral("teal"));
        QVERIFY(!QUuid::fromString(p.id).isNull());
        // The id is derived from the contents, so the run state is found again on the next load.
        QCOMPARE(parseProject(v0).project->id, p.id);

        const QJsonObject saved = QJsonDocument::fromJson(serializeProject(p)).object();
        QCOMPARE(saved.value(u"version").toInt(), 1);
        QVERIFY(!saved.contains(u"source_uri"));
        QCOMPARE(saved.value(u"colour").toString(), QStringLiteral("teal"));
        QVERIFY(parseProject(serializeProject(p)).project == p);
    }

    void aVersion0FileWithoutAVersionIsRecognised()
    {
        const LoadResult r =
            parseProject("{\"source_uri\": \"host=a\", \"target_uri\": \"host=b\", \"id\": \"kept\"}");
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QCOMPARE(r.project->id, QStringLiteral("kept"));
        QCOMPARE(r.project->source.host, QStringLiteral("a"));
    }

    void badVersion0FilesAreExplained_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("password in the URI") << QByteArray("{\"version\":0,\"source_uri\":\"postgresql://"
                                                           "u:pw-in-file@h/db\",\"target_uri\":\"host=b\"}")
                                             << QStringLiteral("source_uri: holds a password");
        QTest::newRow("password keyword")
            << QByteArray(
                   "{\"version\":0,\"source_uri\":\"host=a password=pw-in-file\",\"target_uri\":\"host=b\"}")
            << QStringLiteral("source_uri: holds a password");
        QTest::newRow("no target") << QByteArray("{\"version\":0,\"source_uri\":\"host=a\"}")
                                   << QStringLiteral("target_uri: missing");
        QTest::newRow("bad URI")
            << QByteArray(
                   "{\"version\":0,\"source_uri\":\"postgresql://h:99999/x\",\"target_uri\":\"host=b\"}")
            << QStringLiteral("source_uri: not a valid libpq URI");
        QTest::newRow("unsupported parameter")
            << QByteArray("{\"version\":0,\"source_uri\":\"host=a options=-cx=1\",\"target_uri\":\"host=b\"}")
            << QStringLiteral("source_uri: the parameter \"options\" is not supported");
        QTest::newRow("online as text")
            << QByteArray(
                   "{\"version\":0,\"source_uri\":\"host=a\",\"target_uri\":\"host=b\",\"online\":\"yes\"}")
            << QStringLiteral("online: expected true or false");
        QTest::newRow("jobs too many")
            << QByteArray("{\"version\":0,\"source_uri\":\"host=a\",\"target_uri\":\"host=b\",\"jobs\":1000}")
            << QStringLiteral("jobs: expected a whole number from 1 to 256");
        QTest::newRow("database not a name")
            << QByteArray("{\"version\":0,\"source_uri\":\"host=a\",\"target_uri\":\"host=b\",\"databases\":["
                          "\"a\",{}]}")
            << QStringLiteral("databases[1]: expected a database name, found an object");
        QTest::newRow("map to a missing database")
            << QByteArray("{\"version\":0,\"source_uri\":\"host=a\",\"target_uri\":\"host=b\",\"databases\":["
                          "\"a\"],\"database_map\":{\"b\":\"c\"}}")
            << QStringLiteral("database_map.b: \"b\" is not in \"databases\"");
        QTest::newRow("version 1 keys in version 0")
            << QByteArray("{\"version\":0,\"source_uri\":\"host=a\",\"target_uri\":\"host=b\",\"source\":{}}")
            << QStringLiteral("source: not part of the version 0 layout");
    }
    void badVersion0FilesAreExplained()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const LoadResult r = parseProject(json);
        QVERIFY(!r.ok());
        const QString all = r.errors.join(u'\n');
        QVERIFY2(all.contains(expected),
                 qPrintable(QStringLiteral("expected \"%1\" in:\n%2").arg(expected, all)));
        QVERIFY2(!all.contains(u"pw-in-file"), "an error message repeats a password");
    }

    void unknownFieldsSurviveALoadAndSave()
    {
        QJsonObject o = minimalJson();
        o.insert(u"future_top",
                 QJsonObject{{QStringLiteral("nested"), QJsonArray{1, QStringLiteral("two")}}});
        o.insert(u"source", QJsonObject{{QStringLiteral("host"), QStringLiteral("s")},
                                        {QStringLiteral("keepalives"), 1}});
        o.insert(u"target", QJsonObject{{QStringLiteral("host"), QStringLiteral("t")},
                                        {QStringLiteral("region"), QStringLiteral("westeurope")}});
        o.insert(u"databases", QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                                      {QStringLiteral("priority"), 7}}});
        o.insert(u"settings",
                 QJsonObject{{QStringLiteral("jobs"), 2},
                             {QStringLiteral("compression"), QStringLiteral("lz4")},
                             {QStringLiteral("schema"), QJsonObject{{QStringLiteral("no_comments"), true}}},
                             {QStringLiteral("cutover"),
                              QJsonObject{{QStringLiteral("notify"), QStringLiteral("ops@x")}}}});
        o.insert(u"azure", QJsonObject{{QStringLiteral("tags"),
                                        QJsonObject{{QStringLiteral("team"), QStringLiteral("db")}}}});
        const LoadResult r = parseProject(toJson(o));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QCOMPARE(r.project->settings.jobs, 2);
        QCOMPARE(r.project->databases.at(0).unknownFields.value(u"priority").toInt(), 7);

        const QJsonObject saved = QJsonDocument::fromJson(serializeProject(*r.project)).object();
        QCOMPARE(saved.value(u"future_top"), o.value(u"future_top"));
        QCOMPARE(saved.value(u"source").toObject().value(u"keepalives").toInt(), 1);
        QCOMPARE(saved.value(u"source").toObject().value(u"host").toString(), QStringLiteral("s"));
        QCOMPARE(saved.value(u"target").toObject().value(u"region").toString(), QStringLiteral("westeurope"));
        QCOMPARE(saved.value(u"databases").toArray().at(0).toObject().value(u"priority").toInt(), 7);
        const QJsonObject settings = saved.value(u"settings").toObject();
        QCOMPARE(settings.value(u"compression").toString(), QStringLiteral("lz4"));
        QCOMPARE(settings.value(u"jobs").toInt(), 2);
        QVERIFY(settings.value(u"schema").toObject().value(u"no_comments").toBool());
        QVERIFY(settings.value(u"schema").toObject().contains(u"overwrite"));
        QCOMPARE(settings.value(u"cutover").toObject().value(u"notify").toString(), QStringLiteral("ops@x"));
        QCOMPARE(saved.value(u"azure").toObject().value(u"tags"),
                 o.value(u"azure").toObject().value(u"tags"));
        QVERIFY(parseProject(serializeProject(*r.project)).project == r.project);
    }

    void aByteOrderMarkIsAccepted()
    {
        const LoadResult r = parseProject("\xEF\xBB\xBF" + toJson(minimalJson()));
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
    }

    void savingWritesTheWholeFileAtomically()
    {
        const QString path = m_tmp.filePath(QStringLiteral("atomic.pgferry"));
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write(QByteArray(100000, 'x')); // longer than the new file: nothing of it may remain
        old.close();
        QString error;
        QVERIFY2(saveProjectFile(sampleProject(), path, &error), qPrintable(error));
        QVERIFY(error.isEmpty());
        const LoadResult r = loadProjectFile(path);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QVERIFY(*r.project == sampleProject());
        // QSaveFile wrote a temporary file and renamed it: nothing else is left in the folder.
        QCOMPARE(QDir(m_tmp.path()).entryList(QDir::Files), QStringList{QStringLiteral("atomic.pgferry")});
    }

    void savingWhereItCannotFailsWithTheReason_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing folder")
            << QStringLiteral("no/such/folder/p.pgferry") << QStringLiteral("cannot write");
        QTest::newRow("a folder") << QStringLiteral(".") << QStringLiteral("is a folder");
        QTest::newRow("no name") << QString() << QStringLiteral("no file name");
        QTest::newRow("under a file")
            << QStringLiteral("atomic-file/p.pgferry") << QStringLiteral("cannot write");
    }
    void savingWhereItCannotFailsWithTheReason()
    {
        QFETCH(QString, path);
        QFETCH(QString, expected);
        QFile blocker(m_tmp.filePath(QStringLiteral("atomic-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QString full = path.isEmpty() ? path : m_tmp.filePath(path);
        QString error;
        QVERIFY(!saveProjectFile(sampleProject(), full, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!QFile::exists(m_tmp.filePath(QStringLiteral("no"))));
    }

    void fileProblemsNameTheFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content"); // null: do not create
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << QStringLiteral("missing.pgferry") << QByteArray()
                                 << QStringLiteral("no such file");
        QTest::newRow("empty") << QStringLiteral("empty.pgferry") << QByteArray("")
                               << QStringLiteral("the file is empty");
        QTest::newRow("truncated") << QStringLiteral("cut.pgferry")
                                   << serializeProject(sampleProject()).left(200)
                                   << QStringLiteral("looks truncated");
        QTest::newRow("not JSON") << QStringLiteral("notes.pgferry") << QByteArray("just some notes\n")
                                  << QStringLiteral("not valid JSON");
        QTest::newRow("too large") << QStringLiteral("big.pgferry") << QByteArray(17 * 1024 * 1024, ' ')
                                   << QStringLiteral("larger than 16 MiB");
        QTest::newRow("folder") << QStringLiteral("folder.pgferry") << QByteArray("dir")
                                << QStringLiteral("is a folder");
    }
    void fileProblemsNameTheFile()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = m_tmp.filePath(name);
        if (content == "dir") {
            QVERIFY(QDir().mkpath(path));
        } else if (!content.isNull()) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        const LoadResult r = loadProjectFile(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.errors.size(), 1);
        QVERIFY2(r.errors.first().startsWith(path + QStringLiteral(": ")), qPrintable(r.errors.first()));
        QVERIFY2(r.errors.first().contains(expected), qPrintable(r.errors.first()));
    }

    void anUnreadableFileSaysSo()
    {
        if (::geteuid() == 0)
            QSKIP("root reads every file");
        const QString path = m_tmp.filePath(QStringLiteral("locked.pgferry"));
        QVERIFY(saveProjectFile(sampleProject(), path, nullptr));
        QFile::setPermissions(path, QFileDevice::WriteOwner);
        const LoadResult r = loadProjectFile(path);
        QVERIFY(!r.ok());
        QVERIFY2(r.errors.first().contains(u"cannot read the file"), qPrintable(r.errors.first()));
    }
};

QTEST_GUILESS_MAIN(TestProjectFile)
#include "tst_projectfile.moc"
