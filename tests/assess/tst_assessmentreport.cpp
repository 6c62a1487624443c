// AssessmentReport without servers: JSON shape and round trip, HTML escaping, and the fix script
// grouped by where each remediation applies.
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
