// The pg_restore table-of-contents parser and the split of post-data into "after the load" and
// "at cutover" (foreign keys, triggers, rules, policies, refreshes), plus load-unit planning.
#include "load/catalog.h"
#include "schema/toc.h"

#include <QTest>

using namespace pgferry;

class TestSchemaSplit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesTocLines()
    {
        const QString listing =
            QStringLiteral(";\n; Archive created at 2026-11-23\n;\n"
                           "3345; 2606 16390 CONSTRAINT public actor actor_pkey postgres\n"
                           "3361; 2606 16500 FK CONSTRAINT public film film_language_id_fkey postgres\n"
                           "3370; 2620 16600 TRIGGER public film last_updated postgres\n"
                           "3380; 0 16700 MATERIALIZED VIEW DATA public sales_by_category postgres\n"
                           "3381; 1259 16701 INDEX public idx_title postgres\n"
                           "3382; 0 0 COMMENT public TRIGGER last_updated ON film postgres\n"
                           "3383; 6104 16702 PUBLICATION - pgferry_pub postgres\n"
                           "3384; 2618 16703 RULE public r1 postgres\n");
        const auto toc = schema::parseToc(listing);
        QCOMPARE(toc.size(), 8);
        QCOMPARE(toc[1].desc, QStringLiteral("FK CONSTRAINT"));
        QCOMPARE(toc[3].desc, QStringLiteral("MATERIALIZED VIEW DATA"));
        QCOMPARE(schema::classifyPostData(toc[0]), schema::TocGroup::PostLoad);
        QCOMPARE(schema::classifyPostData(toc[1]), schema::TocGroup::Cutover);
        QCOMPARE(schema::classifyPostData(toc[2]), schema::TocGroup::Cutover);
        QCOMPARE(schema::classifyPostData(toc[3]), schema::TocGroup::Cutover);
        QCOMPARE(schema::classifyPostData(toc[4]), schema::TocGroup::PostLoad);
        QCOMPARE(schema::classifyPostData(toc[5]), schema::TocGroup::Cutover);
        QCOMPARE(schema::classifyPostData(toc[6]), schema::TocGroup::Skip);
        QCOMPARE(schema::classifyPostData(toc[7]), schema::TocGroup::Cutover);
        QVERIFY(schema::tocListing(toc).contains(u"3361; 2606 16500 FK CONSTRAINT"));
    }

    void largeTablesAreSplitAndLargestGoFirst()
    {
        QList<load::SourceTable> tables(3);
        tables[0].name = QStringLiteral("big");
        tables[0].bytes = 1000LL * 8192;
        tables[0].pages = 1000;
        tables[1].name = QStringLiteral("small");
        tables[1].bytes = 10 * 8192;
        tables[1].pages = 10;
        tables[2].name = QStringLiteral("empty");
        const auto units = load::planUnits(tables, 200LL * 8192, 2);
        int bigUnits = 0;
        qint64 covered = 0;
        bool openEnded = false;
        for (const auto &u : units) {
            if (u.table == 0) {
                ++bigUnits;
                covered += (u.endPage < 0 ? 1000 : u.endPage) - u.firstPage;
                openEnded = openEnded || u.endPage < 0;
            }
        }
        QCOMPARE(bigUnits, 5);
        QCOMPARE(covered, qint64(1000)); // ranges tile the table with no gap or overlap
        QVERIFY(openEnded);              // rows beyond the planned size are still copied
        QCOMPARE(units.first().table, 0);
        QCOMPARE(units.last().table, 2);
    }

    void tablePatternsIncludeAndExclude_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QStringList>("include");
        QTest::addColumn<QStringList>("exclude");
        QTest::addColumn<bool>("selected");
        QTest::newRow("no patterns") << "public.film" << QStringList{} << QStringList{} << true;
        QTest::newRow("include match")
            << "public.film" << QStringList{QStringLiteral("public.f*")} << QStringList{} << true;
        QTest::newRow("include miss")
            << "public.actor" << QStringList{QStringLiteral("public.f*")} << QStringList{} << false;
        QTest::newRow("exclude") << "public.film_log" << QStringList{} << QStringList{QStringLiteral("*_log")}
                                 << false;
        QTest::newRow("schema wildcard")
            << "sales.orders" << QStringList{QStringLiteral("sales.*")} << QStringList{} << true;
        QTest::newRow("quoted names")
            << "Sales Dept.Order Lines" << QStringList{QStringLiteral("\"Sales Dept\".\"Order Lines\"")}
            << QStringList{} << true;
        QTest::newRow("quoted star is literal")
            << "Sales Dept.Order Lines" << QStringList{QStringLiteral("\"Sales Dept\".\"Order*\"")}
            << QStringList{} << false;
        QTest::newRow("quoted dot is part of the name")
            << "x.a.b" << QStringList{QStringLiteral("\"a.b\"")} << QStringList{} << true;
        QTest::newRow("quoted quote")
            << "public.say \"hi\"" << QStringList{QStringLiteral("public.\"say \"\"hi\"\"\"")}
            << QStringList{} << true;
        QTest::newRow("regex characters are literal")
            << "public.a+b" << QStringList{QStringLiteral("public.a+b")} << QStringList{} << true;
        QTest::newRow("regex characters do not widen")
            << "public.aab" << QStringList{QStringLiteral("public.a+b")} << QStringList{} << false;
    }
    void tablePatternsIncludeAndExclude()
    {
        QFETCH(QString, table);
        QFETCH(QStringList, include);
        QFETCH(QStringList, exclude);
        QFETCH(bool, selected);
        project::DatabaseSelection sel;
        sel.includeTables = include;
        sel.excludeTables = exclude;
        const qsizetype dot = table.indexOf(u'.');
        QCOMPARE(sel.selects(table.left(dot), table.mid(dot + 1)), selected);
    }
};

QTEST_GUILESS_MAIN(TestSchemaSplit)
#include "tst_schemasplit.moc"
