// AssessmentReport without servers: JSON shape and round trip, HTML escaping, and the fix script
// grouped by where each remediation applies, with optional remediations commented out.
#include "assess/assessmentreport.h"

#include <QJsonArray>
#include <QTest>

using namespace pgferry::assess;

namespace {

Check check(const QString &id, Severity s, const QString &db, const QList<Fix> &fixes,
            const QStringList &objects = {})
{
    Check c;
    c.id = id;
    c.severity = s;
    c.database = db;
    c.objects = objects;
    c.message = QStringLiteral("message of ") + id;
    c.setFixes(fixes);
    return c;
}

AssessmentReport sample()
{
    AssessmentReport r;
    r.checks << check(QStringLiteral("source.wal_level"), Severity::Blocker, {},
                      {Fix{FixTarget::SourceConfig, {}, QStringLiteral("wal_level = logical")}})
             << check(QStringLiteral("table.primary_key"), Severity::Blocker, QStringLiteral("sales;2019"),
                      {Fix{FixTarget::SourceSql, QStringLiteral("sales;2019"),
                           QStringLiteral("ALTER TABLE \"public\".\"t\" REPLICA IDENTITY FULL;")}},
                      {QStringLiteral("public.t")})
             << check(QStringLiteral("source.ssl"), Severity::Warning, {},
                      {Fix{FixTarget::SourceHba,
                           {},
                           QStringLiteral("hostssl all \"u\" 10.0.0.1/32 scram-sha-256")}})
             << check(QStringLiteral("role.missing_on_target"), Severity::Info, {},
                      {Fix{FixTarget::TargetSql, {}, QStringLiteral("CREATE ROLE \"app\";")}})
             << check(QStringLiteral("source.version"), Severity::Pass, {}, {});
    return r;
}

} // namespace

class TestAssessmentReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void severityNamesRoundTrip_data()
    {
        QTest::addColumn<Severity>("severity");
        QTest::addColumn<QString>("name");
        QTest::newRow("pass") << Severity::Pass << QStringLiteral("pass");
        QTest::newRow("info") << Severity::Info << QStringLiteral("info");
        QTest::newRow("warning") << Severity::Warning << QStringLiteral("warning");
        QTest::newRow("blocker") << Severity::Blocker << QStringLiteral("blocker");
    }
    void severityNamesRoundTrip()
    {
        QFETCH(Severity, severity);
        QFETCH(QString, name);
        QCOMPARE(severityName(severity), name);
        QCOMPARE(severityFromName(name), std::optional<Severity>(severity));
        QVERIFY(!severityFromName(QStringLiteral("fatal")));
    }

    void jsonCarriesEveryFieldAndTheCounts()
    {
        const AssessmentReport r = sample();
        const QJsonObject o = r.toJson();
        QCOMPARE(o.value(u"blockers").toInt(), 2);
        QCOMPARE(o.value(u"warnings").toInt(), 1);
        QCOMPARE(o.value(u"passed").toInt(), 1);
        QCOMPARE(o.value(u"ok").toBool(), false);
        const QJsonArray checks = o.value(u"checks").toArray();
        QCOMPARE(checks.size(), 5);
        const QJsonObject pk = checks.at(1).toObject();
        for (const char *key : {"id", "severity", "database", "objects", "message", "remediation"})
            QVERIFY2(pk.contains(QLatin1String(key)), key);
        QCOMPARE(pk.value(u"severity").toString(), QStringLiteral("blocker"));
        QCOMPARE(pk.value(u"database").toString(), QStringLiteral("sales;2019"));
        QCOMPARE(pk.value(u"objects").toArray().first().toString(), QStringLiteral("public.t"));
        QVERIFY(pk.value(u"remediation").toString().contains(u"REPLICA IDENTITY FULL"));

        const AssessmentReport back = AssessmentReport::fromJson(o);
        QCOMPARE(back.checks.size(), r.checks.size());
        QCOMPARE(back.checks.at(1).fixes, r.checks.at(1).fixes);
        QCOMPARE(back.checks.at(1).remediation, r.checks.at(1).remediation);
        QVERIFY(back.hasBlockers());
    }

    void remediationTextSaysWhereToApplyEachFix()
    {
        const Check c = sample().checks.at(0);
        QVERIFY(c.remediation.contains(u"postgresql.conf"));
        QVERIFY(c.remediation.contains(u"wal_level = logical"));
    }

    void htmlEscapesEverythingItShows()
    {
        AssessmentReport r;
        r.checks << check(QStringLiteral("table.name_case"), Severity::Warning, QStringLiteral("<db>"), {},
                          {QStringLiteral("public.<script>alert(1)</script>")});
        const QString html = r.toHtml();
        QVERIFY(html.startsWith(u"<!DOCTYPE html>"));
        QVERIFY(!html.contains(u"<script>"));
        QVERIFY(html.contains(u"&lt;script&gt;"));
        QVERIFY(html.contains(u"&lt;db&gt;"));
        QVERIFY2(html.contains(u"0 blockers, 1 warning,"), qPrintable(html));
    }

    void fixScriptGroupsBySourceConfigHbaAndTarget()
    {
        const QString script = sample().fixScript();
        const qsizetype sql = script.indexOf(u"Source server, SQL");
        const qsizetype conf = script.indexOf(u"Source server, postgresql.conf");
        const qsizetype hba = script.indexOf(u"Source server, pg_hba.conf");
        const qsizetype target = script.indexOf(u"Target server, SQL");
        QVERIFY(sql >= 0 && conf > sql && hba > conf && target > hba);
        QVERIFY(script.contains(u"\\connect \"sales;2019\"\n-- table.primary_key: public.t\nALTER TABLE"));
        QVERIFY(script.contains(u"# source.wal_level\nwal_level = logical"));
        QVERIFY(script.contains(u"CREATE ROLE \"app\";"));
    }

    // Applying the whole script must never rename an application's table: optional fixes are
    // written commented out, line by line, while required ones stay live.
    void optionalFixesAreCommentedOutInTheFixScript()
    {
        AssessmentReport r = sample();
        r.checks << check(QStringLiteral("table.name_case"), Severity::Warning, QStringLiteral("shop"),
                          {Fix{FixTarget::SourceSql, QStringLiteral("shop"),
                               QStringLiteral("-- rename so no two names differ only in case\n"
                                              "ALTER TABLE \"public\".\"Orders\" RENAME TO \"orders_2\";\n"
                                              "ALTER TABLE \"public\".\"ORDERS\" RENAME TO \"orders_3\";"),
                               true}},
                          {QStringLiteral("public.orders"), QStringLiteral("public.Orders"),
                           QStringLiteral("public.ORDERS")});
        r.checks << check(
            QStringLiteral("source.optional_setting"), Severity::Info, {},
            {Fix{FixTarget::SourceConfig, {}, QStringLiteral("track_commit_timestamp = on"), true}});
        const QString script = r.fixScript();
        QVERIFY2(script.contains(
                     u"\\connect \"shop\"\n-- table.name_case: public.orders, public.Orders, public.ORDERS "
                     u"(optional, commented out: uncomment to apply)\n"
                     u"-- rename so no two names differ only in case\n"
                     u"-- ALTER TABLE \"public\".\"Orders\" RENAME TO \"orders_2\";\n"
                     u"-- ALTER TABLE \"public\".\"ORDERS\" RENAME TO \"orders_3\";\n"),
                 qPrintable(script));
        QVERIFY2(script.contains(u"# source.optional_setting (optional, commented out: uncomment to apply)\n"
                                 u"# track_commit_timestamp = on"),
                 qPrintable(script));
        // What runs when the whole script is applied: every line not commented out.
        for (const QString &line : script.split(u'\n')) {
            if (line.startsWith(u"--") || line.startsWith(u'#'))
                continue;
            QVERIFY2(!line.contains(u"RENAME") && !line.contains(u"track_commit_timestamp"),
                     qPrintable(line));
        }
        // Required fixes stay live.
        QVERIFY(script.contains(u"\nALTER TABLE \"public\".\"t\" REPLICA IDENTITY FULL;"));
        QVERIFY(script.contains(u"\nwal_level = logical"));

        // The flag survives JSON, and the remediation text says it.
        const Check &nameCase = r.checks.at(r.checks.size() - 2);
        QVERIFY2(nameCase.remediation.startsWith(u"Optional (not needed for the migration). On the source"),
                 qPrintable(nameCase.remediation));
        const AssessmentReport back = AssessmentReport::fromJson(r.toJson());
        QVERIFY(back.checks.at(back.checks.size() - 2).fixes.first().optional);
        QVERIFY(!back.checks.at(1).fixes.first().optional);
        QCOMPARE(back.fixScript(), script);
    }

    void fixScriptWithoutFindingsSaysSo()
    {
        AssessmentReport r;
        r.checks << check(QStringLiteral("source.version"), Severity::Pass, {}, {});
        QVERIFY(r.fixScript().contains(u"Nothing to fix."));
        QVERIFY(!r.hasBlockers());
    }
};

QTEST_GUILESS_MAIN(TestAssessmentReport)
#include "tst_assessmentreport.moc"
