// Each database on its own clock, through the wizard against two real PostgreSQL servers (issue
// 18): an online project of three databases filled in as a person would; while an application
// thread writes to all of them, the first database card's "Cut over…", confirmed, cuts over that
// database alone (its card says Done, its data is identical, its source read-only and its slot
// gone) while the other two stream on and the run goes on; stopped and resumed, the run keeps it
// cut over; the second follows by its card, and the page's Start cutover takes the last one and
// ends the run. No database is ever cut over before it was asked for; every one arrives
// identical, and no slot is left on the source.
#include "appwriter.h"
#include "compare.h"
#include "cutoverpage.h"
#include "databasecard.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "testclusters.h"
#include "widgetfind.h"
#include "wizardrig.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace pgferry;
using namespace pgferry::wizard;
using engine::DatabasePhase;

class TestWizardPerDatabaseCutover : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<test::TwoClusters> m_servers;
    const QStringList m_dbs{QStringLiteral("east"), QStringLiteral("north"), QStringLiteral("west")};

    static DatabasePhase phaseOf(const engine::MigrationStatus &s, const QString &db)
    {
        for (const engine::DatabaseStatus &d : s.databases)
            if (d.name == db)
                return d.phase;
        return DatabasePhase::Pending;
    }

    static QString describe(const engine::MigrationStatus &s)
    {
        QStringList parts{engine::runStateName(s.state)};
        for (const engine::DatabaseStatus &d : s.databases)
            parts << d.name + u' ' + engine::phaseName(d.phase) +
                         (d.notReadyReason.isEmpty() ? QString()
                                                     : QStringLiteral(" (") + d.notReadyReason + u')');
        return parts.join(QStringLiteral("; ")) + u'\n' + s.errors.join(u'\n');
    }

    bool identical(const QString &db) const
    {
        pg::Connection s = m_servers->source.connect(db);
        pg::Connection t = m_servers->target.connect(db);
        const test::CompareResult r = test::compareDatabases(s, t);
        if (!r.identical())
            qWarning().noquote() << db << "differs:" << r.differences.mid(0, 8).join(u'\n');
        return r.identical() && r.tablesCompared == 2;
    }

    // Presses the card's "Cut over…", confirms, and waits until the database is cut over; fails the
    // test when the wizard refuses or the run ends.
    static void cutOverByCard(MigrationWizard *w, DatabaseCard *card, const QString &db)
    {
        QTRY_VERIFY2_WITH_TIMEOUT(card->cutoverButton()->isEnabled(),
                                  qPrintable(card->cutoverButton()->toolTip()), 90000);
        QObject answers; // the answers' timers go with it: none is left to answer a later box
        const auto asked =
            test::answerNextBox(&answers, QStringLiteral("confirmCardCutover"), QMessageBox::Yes);
        const auto refused =
            test::answerNextBox(&answers, QStringLiteral("cardCutoverRefused"), QMessageBox::Ok);
        QTest::mouseClick(card->cutoverButton(), Qt::LeftButton);
        QVERIFY2(asked->contains(db), qPrintable(*asked));
        QVERIFY2(refused->isEmpty(), qPrintable(*refused));
        QTRY_VERIFY2_WITH_TIMEOUT(phaseOf(w->status(), db) == DatabasePhase::Done || !w->isRunning(),
                                  qPrintable(describe(w->status())), 120000);
        QCOMPARE(phaseOf(w->status(), db), DatabasePhase::Done);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("state"))));
        m_servers = std::make_unique<test::TwoClusters>();
        for (const QString &db : m_dbs) {
            m_servers->source.createDatabase(db);
            m_servers->source.sql(
                db,
                QStringLiteral(
                    "CREATE TABLE items (id serial PRIMARY KEY, name text, qty int);"
                    "CREATE TABLE notes (id bigserial PRIMARY KEY, item int REFERENCES items ON DELETE "
                    "CASCADE, body text);"
                    "INSERT INTO items(name, qty) SELECT 'item ' || g, g FROM generate_series(1, 800) g;"
                    "INSERT INTO notes(item, body) SELECT g, 'n' || g FROM generate_series(1, 800, 3) g;"));
        }
    }
    void cleanupTestCase() { m_servers.reset(); }

    void eachDatabaseCardCutsOverItsDatabaseAloneWhileTheOthersStream()
    {
        // Whatever the wizard shows, no database may be cut over before it was asked for.
        QSet<QString> asked;
        QStringList early;
        test::WizardRig rig(m_tmp.filePath(QStringLiteral("recent.ini")));
        MainWindow &window = rig.window;
        MigrationWizard *w = rig.wizard();
        rig.fillAndRun(*m_servers, QStringLiteral("Three shops"), true, m_dbs, 2,
                       m_tmp.filePath(QStringLiteral("three.pgferry")));
        if (QTest::currentTestFailed())
            return;
        connect(w, &MigrationWizard::statusChanged, this, [&](const engine::MigrationStatus &s) {
            for (const engine::DatabaseStatus &d : s.databases)
                if ((d.phase == DatabasePhase::Cutover || d.phase == DatabasePhase::Verify ||
                     d.phase == DatabasePhase::Done) &&
                    !asked.contains(d.name) && !early.contains(d.name))
                    early << d.name;
        });
        auto *monitor = static_cast<MonitorPage *>(w->currentPage());
        QTRY_VERIFY2_WITH_TIMEOUT(w->status().state == engine::RunState::Streaming || !w->isRunning(),
                                  qPrintable(describe(w->status())), 120000);
        QVERIFY2(w->isRunning(), qPrintable(describe(w->status())));

        // The application writes to every database until it is cut over.
        test::ApplicationWriter app(
            m_servers->source, m_dbs,
            QStringLiteral("INSERT INTO items(name, qty) VALUES ('app', 1);"
                           "UPDATE items SET qty = qty + 1 WHERE id = 1 + (random() * 600)::int;"
                           "INSERT INTO notes(item, body) SELECT max(id), 'app' FROM items"));
        QTRY_VERIFY_WITH_TIMEOUT(app.writes() > 30, 30000);

        // The cards, in the run's order; the first one's database alone.
        monitor->applyPending();
        const QList<DatabaseCard *> cards = monitor->cards();
        QCOMPARE(cards.size(), 3);
        QStringList order;
        for (const engine::DatabaseStatus &d : w->status().databases)
            order << d.name;
        for (int i = 0; i < 3; ++i)
            QCOMPARE(cards[i]->objectName(), QStringLiteral("databaseCard_") + order[i]);
        const QString first = order[0], second = order[1], third = order[2];
        asked << first;
        cutOverByCard(w, cards[0], first);
        if (QTest::currentTestFailed())
            return;
        monitor->applyPending();
        QVERIFY2(early.isEmpty(), qPrintable(early.join(u", ")));
        QVERIFY(w->isRunning());
        QCOMPARE(w->status().state, engine::RunState::Streaming);
        QCOMPARE(phaseOf(w->status(), second), DatabasePhase::Streaming);
        QCOMPARE(phaseOf(w->status(), third), DatabasePhase::Streaming);
        // The dashboard says so: the first card is done and offers no cutover, the others still do.
        QCOMPARE(test::findNamed<QLabel>(cards[0], "cardPhase")->text(), QStringLiteral("Done"));
        QVERIFY(cards[0]->cutoverButton()->isHidden());
        for (int i : {1, 2}) {
            QCOMPARE(test::findNamed<QLabel>(cards[i], "cardPhase")->text(),
                     QStringLiteral("Streaming changes"));
            QVERIFY(!cards[i]->cutoverButton()->isHidden());
        }
        QVERIFY(test::findNamed<QPlainTextEdit>(&window, "logPane")
                    ->toPlainText()
                    .contains(QStringLiteral("Cutting over ") + first));
        QCOMPARE(w->currentId(), int(MigrationWizard::MonitorPage));
        // The first database is finished on both servers; the application goes on with the others.
        QVERIFY(identical(first));
        QVERIFY(m_servers->source.readOnly(first));
        QCOMPARE(m_servers->source.slotCount(first), 0);
        QVERIFY(!app.writing(first));
        for (const QString &db : {second, third}) {
            QVERIFY(!m_servers->source.readOnly(db));
            QCOMPARE(m_servers->source.slotCount(db), 1);
            const qint64 before = app.writes(db);
            QTRY_VERIFY_WITH_TIMEOUT(app.writes(db) > before + 5, 30000);
        }

        // Stopped and resumed (as when the window is closed and the project opened again), the run
        // keeps the first database cut over and streams the others again.
        auto *stop = test::findNamed<QPushButton>(&window, "stopRun");
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(!w->isRunning(), qPrintable(describe(w->status())), 60000);
        QCOMPARE(w->status().state, engine::RunState::Stopped);
        QTRY_COMPARE(stop->text(), MonitorPage::tr("Res&ume"));
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY2_WITH_TIMEOUT(w->status().state == engine::RunState::Streaming || !w->isRunning(),
                                  qPrintable(describe(w->status())), 120000);
        QVERIFY2(w->isRunning(), qPrintable(describe(w->status())));
        QCOMPARE(phaseOf(w->status(), first), DatabasePhase::Done);
        QCOMPARE(m_servers->source.slotCount(first), 0);

        // The second by its card; the third streams on.
        asked << second;
        cutOverByCard(w, cards[1], second);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(early.isEmpty(), qPrintable(early.join(u", ")));
        QVERIFY(w->isRunning());
        QCOMPARE(phaseOf(w->status(), third), DatabasePhase::Streaming);
        QVERIFY(identical(second));
        QVERIFY(!m_servers->source.readOnly(third));
        QCOMPARE(m_servers->source.slotCount(third), 1);

        // The last one by the page's Start cutover, which ends the run.
        QPushButton *cutover = monitor->cutoverButton();
        QTRY_VERIFY2_WITH_TIMEOUT(cutover->isEnabled(), qPrintable(cutover->toolTip()), 90000);
        asked << third;
        QTest::mouseClick(cutover, Qt::LeftButton);
        QCOMPARE(w->currentId(), int(MigrationWizard::CutoverPage));
        QLabel *result = rig.applyCutover();
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY2_WITH_TIMEOUT(!w->isRunning(), qPrintable(describe(w->status()) + u'\n' + result->text()),
                                  120000);
        QVERIFY2(w->status().state == engine::RunState::Completed, qPrintable(describe(w->status())));
        QVERIFY2(early.isEmpty(), qPrintable(early.join(u", ")));
        auto *page = static_cast<CutoverPage *>(w->currentPage());
        QTRY_VERIFY(page->isComplete());
        w->next();
        QCOMPARE(w->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(test::findNamed<QLabel>(&window, "doneHeadline")->text().contains(u"completed"));

        const qint64 writes = app.stop();
        qInfo("%lld application writes while the databases were cut over", writes);
        QVERIFY(writes > 50);
        for (const QString &db : m_dbs) {
            QVERIFY2(identical(db), qPrintable(db));
            QVERIFY2(m_servers->source.readOnly(db), qPrintable(db));
            QCOMPARE(m_servers->source.slotCount(db), 0);
        }
        // Nothing of pgferry's is left on the source (nothing else makes slots on these servers).
        QCOMPARE(m_servers->source.slotCount(), 0);
        for (const QString &db : m_dbs)
            QCOMPARE(m_servers->source.connect(db)
                         .exec(QStringLiteral("SELECT count(*) FROM pg_publication"))
                         .toInt(0, 0),
                     0);
    }
};

QTEST_MAIN(TestWizardPerDatabaseCutover)
#include "tst_wizardpercutover.moc"
