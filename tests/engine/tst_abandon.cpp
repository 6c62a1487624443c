// `pgferry-cli abandon` and `pgferry-cli source-writable` end to end, with the real CLI against real
// servers: an online migration (DDL capture on) is run to streaming with `pgferry-cli run`, then
// stopped; abandon is refused while the run is active, lists and removes nothing without --yes,
// removes with --yes every slot, publication, event trigger and the _pgferry schema on the source,
// the replication origin on the target, the run state folder and (--drop-target) the target
// database pgferry created, and finds nothing the second time. A target database pgferry did not
// create is left alone; a slot something streams from refuses abandon until it is free.
// The core's plan and removal on 9.6 and 10 sources. A cutover that stops clears the read-only step
// in the journal; source-writable undoes the read-only switch a cutover left on, and only that one.
#include "cdc/ddlcapture.h"
#include "engine/abandon.h"
#include "engine/journal.h"
#include "engine/localengine.h"
#include "engine/runfiles.h"
#include "project/projectfile.h"
#include "project/secretstore.h"
#include "testclusters.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;

class TestAbandon : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    QTemporaryDir m_dir;

    QString stateBase() const { return m_dir.filePath(QStringLiteral("state")); }

    QString writeProject(project::Project &p, const QString &db, const QString &targetDb) const
    {
        p.name = db;
        p.mode = project::Mode::Online;
        p.source = project::ConnectionProfile::fromConnInfo(m_pair->source.connInfo());
        p.target = project::ConnectionProfile::fromConnInfo(m_pair->target.connInfo());
        p.databases << project::DatabaseSelection{db, targetDb, {}, {}};
        p.settings.jobs = 2;
        p.settings.schema.captureDdl = true;
        const QString path = m_dir.filePath(db + QStringLiteral(".pgferry"));
        QString error;
        if (!project::saveProjectFile(p, path, &error))
            qFatal("cannot save the project: %s", qPrintable(error));
        return path;
    }

    QString stateDirOf(const project::Project &p) const
    {
        return QDir(stateBase()).absolutePath() + QStringLiteral("/runs/") + p.id;
    }

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("PGFERRY_SOURCE_PASSWORD"), m_pair->source->password());
        e.insert(QStringLiteral("PGFERRY_TARGET_PASSWORD"), m_pair->target->password());
        e.insert(QStringLiteral("PGFERRY_STATE_DIR"), stateBase());
        return e;
    }

    int cli(const QStringList &args, QString *out = nullptr, QString *err = nullptr) const
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(QStringLiteral(PGFERRY_CLI_PATH), args);
        p.closeWriteChannel(); // no terminal to ask on
        if (!p.waitForFinished(180000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        const QString o = QString::fromUtf8(p.readAllStandardOutput()),
                      e = QString::fromUtf8(p.readAllStandardError());
        if (out)
            *out = o;
        if (err)
            *err = e;
        qInfo().noquote() << "pgferry-cli" << args.join(u' ') << "->" << p.exitCode() << "\n" << o << e;
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // `pgferry-cli run FILE`, until its status says ready for cutover (streaming). Null on failure,
    // after printing the run's output.
    std::unique_ptr<QProcess> runToStreaming(const QString &file, const QString &stateDir) const
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(env());
        p->setStandardOutputFile(QProcess::nullDevice());
        p->setProcessChannelMode(QProcess::SeparateChannels);
        p->start(QStringLiteral(PGFERRY_CLI_PATH), {QStringLiteral("run"), file});
        if (!p->waitForStarted())
            return nullptr;
        QDeadlineTimer deadline(240000);
        while (!deadline.hasExpired() && p->state() == QProcess::Running) {
            if (engine::RunFiles::readStatus(stateDir).value(u"ready_for_cutover").toBool())
                return p;
            QTest::qWait(200);
        }
        qWarning().noquote() << "the run did not reach streaming; status:"
                             << QJsonDocument(engine::RunFiles::readStatus(stateDir)).toJson()
                             << "stderr:" << p->readAllStandardError();
        p->kill();
        p->waitForFinished();
        return nullptr;
    }

    static bool stopRun(QProcess &p)
    {
        p.terminate(); // SIGTERM: the run stops cleanly
        return p.waitForFinished(60000);
    }

    qint64 count(const test::TestCluster &c, const QString &db, const QString &sql,
                 const QStringList &params = {}) const
    {
        pg::Connection conn = c.connect(db);
        pg::Params ps;
        for (const QString &x : params)
            ps.push_back(x);
        return conn.exec(sql, ps).toInt(0, 0);
    }

    // What pgferry makes on the source database for a project: slots, publications, event
    // triggers, schema _pgferry. Each as a count.
    struct SourceObjects
    {
        qint64 slots = 0, publications = 0, eventTriggers = 0, schema = 0;
        qint64 total() const { return slots + publications + eventTriggers + schema; }
    };
    SourceObjects sourceObjects(const QString &db) const
    {
        SourceObjects o;
        o.slots = count(
            m_pair->source, db,
            QStringLiteral("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'pgferry\\_%'"));
        o.publications =
            count(m_pair->source, db,
                  QStringLiteral("SELECT count(*) FROM pg_publication WHERE pubname LIKE 'pgferry\\_%'"));
        o.eventTriggers =
            count(m_pair->source, db,
                  QStringLiteral("SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'pgferry\\_%'"));
        o.schema = count(m_pair->source, db,
                         QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry'"));
        return o;
    }
    qint64 origins(const QString &name) const
    {
        return count(m_pair->target, QStringLiteral("postgres"),
                     QStringLiteral("SELECT count(*) FROM pg_replication_origin WHERE roname = $1"), {name});
    }
    qint64 targetDatabaseExists(const QString &db) const
    {
        return count(m_pair->target, QStringLiteral("postgres"),
                     QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = $1"), {db});
    }

    void createSource(const QString &db)
    {
        m_pair->source.createDatabase(db);
        m_pair->source.sql(
            db, QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, name text);"
                               "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pair = std::make_unique<test::TwoClusters>();
    }
    void cleanupTestCase() { m_pair.reset(); }

    void abandonRemovesWhatTheMigrationMadeOnlyWhenConfirmedAndNotWhileItRuns()
    {
        const QString db = QStringLiteral("shop");
        const QString targetDb = QStringLiteral("shop_copy");
        createSource(db);
        project::Project p;
        const QString file = writeProject(p, db, targetDb);
        const QString state = stateDirOf(p);
        const QString name = project::migrationObjectName(p.id, 0);

        std::unique_ptr<QProcess> run = runToStreaming(file, state);
        QVERIFY(run);
        // What there is to remove: without it the checks below would prove nothing.
        const SourceObjects before = sourceObjects(db);
        QCOMPARE(before.slots, 1);
        QCOMPARE(before.publications, 1);
        QCOMPARE(before.eventTriggers, 2);
        QCOMPARE(before.schema, 1);
        QCOMPARE(origins(name), 1);

        // While the run is active: refused, nothing removed.
        QString out, err;
        QCOMPARE(
            cli({QStringLiteral("abandon"), file, QStringLiteral("--yes"), QStringLiteral("--drop-target")},
                &out, &err),
            1);
        QVERIFY2(err.contains(QStringLiteral("a run of this project is in progress")), qPrintable(err));
        QCOMPARE(sourceObjects(db).total(), before.total());
        QVERIFY(stopRun(*run));

        // Without --yes (and no terminal): the list, exit 2, nothing removed.
        QCOMPARE(cli({QStringLiteral("abandon"), file, QStringLiteral("--drop-target")}, &out, &err), 2);
        QVERIFY2(out.contains(QStringLiteral("replication slot %1").arg(name)), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("publication %1").arg(name)), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("schema-change capture %1").arg(name)), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("replication origin %1").arg(name)), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("target server: database %1").arg(targetDb)), qPrintable(out));
        QVERIFY2(err.contains(QStringLiteral("confirm with --yes")), qPrintable(err));
        QCOMPARE(sourceObjects(db).total(), before.total());
        QCOMPARE(origins(name), 1);
        QCOMPARE(targetDatabaseExists(targetDb), 1);
        QVERIFY(QFile::exists(state + QStringLiteral("/journal.json")));

        // Confirmed: everything goes.
        QCOMPARE(
            cli({QStringLiteral("abandon"), file, QStringLiteral("--yes"), QStringLiteral("--drop-target")},
                &out, &err),
            0);
        const SourceObjects after = sourceObjects(db);
        QCOMPARE(after.slots, 0);
        QCOMPARE(after.publications, 0);
        QCOMPARE(after.eventTriggers, 0);
        QCOMPARE(after.schema, 0);
        QCOMPARE(count(m_pair->source, db,
                       QStringLiteral("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                                      "p.pronamespace WHERE p.proname LIKE 'pgferry\\_%'")),
                 0);
        QCOMPARE(origins(name), 0);
        QCOMPARE(targetDatabaseExists(targetDb), 0);
        QVERIFY2(!QDir(state).exists(), qPrintable(state));
        // The source's data is untouched.
        QCOMPARE(count(m_pair->source, db, QStringLiteral("SELECT count(*) FROM items")), 500);

        // Twice is fine: nothing to do.
        QCOMPARE(
            cli({QStringLiteral("abandon"), file, QStringLiteral("--yes"), QStringLiteral("--drop-target")},
                &out, &err),
            0);
        QVERIFY2(out.contains(QStringLiteral("nothing of pgferry's is left")), qPrintable(out));
        QCOMPARE(cli({QStringLiteral("abandon"), file, QStringLiteral("--json")}, &out, &err), 0);
        const QJsonObject o = QJsonDocument::fromJson(out.toUtf8()).object();
        QVERIFY2(o.value(u"nothing_to_remove").toBool(), qPrintable(out));
        QVERIFY(o.value(u"items").toArray().isEmpty());
    }

    // The target database existed before the run: --drop-target leaves it (and says so); the
    // read-only switch a cutover left on is undone; the rest goes as above.
    void abandonLeavesATargetDatabasePgferryDidNotCreateAndUndoesTheReadOnlySwitch()
    {
        const QString db = QStringLiteral("depot");
        createSource(db);
        m_pair->target.createDatabase(db);
        project::Project p;
        const QString file = writeProject(p, db, {});
        const QString state = stateDirOf(p);
        const QString name = project::migrationObjectName(p.id, 0);
        std::unique_ptr<QProcess> run = runToStreaming(file, state);
        QVERIFY(run);
        QVERIFY(stopRun(*run));
        QCOMPARE(origins(name), 1);

        // A cutover that switched the source to read-only and then failed without undoing it.
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE depot SET default_transaction_read_only = on"));
        {
            engine::Journal j(state);
            QVERIFY(j.load());
            j.markDone(db, QStringLiteral("source_read_only"));
            QVERIFY(j.save());
        }

        QString out, err;
        QCOMPARE(
            cli({QStringLiteral("abandon"), file, QStringLiteral("--yes"), QStringLiteral("--drop-target")},
                &out, &err),
            0);
        QVERIFY2(out.contains(QStringLiteral("left alone: target server: database %1").arg(db)),
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("pgferry did not create it")), qPrintable(out));
        QCOMPARE(targetDatabaseExists(db), 1);
        QCOMPARE(sourceObjects(db).total(), 0);
        QCOMPARE(origins(name), 0);
        QCOMPARE(count(m_pair->target, db,
                       QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry'")),
                 0);
        pg::Connection s = m_pair->source.connect(db);
        QCOMPARE(s.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0),
                 QStringLiteral("off"));
        s.exec(QStringLiteral("INSERT INTO items VALUES (100000, 'written after abandon')"));
    }

    // A slot that something streams from (a run this machine's lock does not show: the desktop app,
    // another machine, here pg_recvlogical) refuses the whole abandon, naming the slot: removing the
    // capture or the publication under a live stream would break it. Once it stops, abandon works;
    // with the target down it removes the source's part, keeps the run state, and the next one ends it.
    void aSlotInUseRefusesAbandonUntilItIsFree()
    {
        const QString db = QStringLiteral("depot2");
        createSource(db);
        project::Project p;
        const QString file = writeProject(p, db, {});
        const QString state = stateDirOf(p);
        const QString name = project::migrationObjectName(p.id, 0);
        std::unique_ptr<QProcess> run = runToStreaming(file, state);
        QVERIFY(run);
        QVERIFY(stopRun(*run));

        // pg_recvlogical holds the migration's slot.
        const pg::ConnInfo ci = m_pair->source.connInfo(db);
        QProcess holder;
        QProcessEnvironment he = QProcessEnvironment::systemEnvironment();
        const QMap<QString, QString> childEnv = ci.childEnvironment();
        for (auto it = childEnv.begin(); it != childEnv.end(); ++it)
            he.insert(it.key(), it.value());
        holder.setProcessEnvironment(he);
        holder.start(m_pair->source->serverBinDir() + QStringLiteral("/pg_recvlogical"),
                     {QStringLiteral("-d"), db, QStringLiteral("--slot"), name, QStringLiteral("--start"),
                      QStringLiteral("-o"), QStringLiteral("proto_version=1"), QStringLiteral("-o"),
                      QStringLiteral("publication_names=") + name, QStringLiteral("-f"),
                      QStringLiteral("/dev/null")});
        QVERIFY(holder.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(count(m_pair->source, db,
                                       QStringLiteral("SELECT count(*) FROM pg_replication_slots "
                                                      "WHERE slot_name = $1 AND active"),
                                       {name}) == 1,
                                 20000);

        QString out, err;
        QCOMPARE(cli({QStringLiteral("abandon"), file, QStringLiteral("--yes")}, &out, &err), 1);
        QVERIFY2(err.contains(
                     QStringLiteral("the replication slot %1 on source database %2 is in use").arg(name, db)),
                 qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("Nothing was removed")), qPrintable(err));
        QVERIFY(QFile::exists(state + QStringLiteral("/journal.json")));
        const SourceObjects left = sourceObjects(db);
        QCOMPARE(left.slots, 1);
        QCOMPARE(left.publications, 1);
        QCOMPARE(left.eventTriggers, 2);
        QCOMPARE(origins(name), 1);

        holder.terminate();
        QVERIFY(holder.waitForFinished(20000));

        // The target is down: the source's part goes, the target's is named as not looked at, and
        // the run state (its journal) stays for the next abandon.
        m_pair->target->stop();
        const int down = cli({QStringLiteral("abandon"), file, QStringLiteral("--yes")}, &out, &err);
        m_pair->target->start();
        QCOMPARE(down, 1);
        QVERIFY2(err.contains(QStringLiteral("cannot look at the target server")) &&
                     err.contains(QStringLiteral("run abandon again")),
                 qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("kept the run state folder")), qPrintable(err));
        QCOMPARE(sourceObjects(db).total(), 0);
        QVERIFY(QFile::exists(state + QStringLiteral("/journal.json")));
        QCOMPARE(origins(name), 1);

        QCOMPARE(cli({QStringLiteral("abandon"), file, QStringLiteral("--yes")}, &out, &err), 0);
        QVERIFY2(out.contains(QStringLiteral("removed target server: replication origin %1").arg(name)),
                 qPrintable(out));
        QCOMPARE(origins(name), 0);
        QCOMPARE(count(m_pair->target, db,
                       QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry'")),
                 0);
        QVERIFY2(!QDir(state).exists(), qPrintable(state));
    }

    // What a migration leaves on a source before 10 (test_decoding, no publication, the slot of a
    // resumed load, slot functions of the xlog era) and on a newer one, made by hand here so that
    // no stream from 9.6 is needed: the core's plan finds it all and removal leaves nothing.
    void abandonFindsAndRemovesWhatAnOldOrNewSourceHolds_data()
    {
        QTest::addColumn<QString>("major");
        QTest::newRow("9.6") << QStringLiteral("9.6");
        QTest::newRow("10") << QStringLiteral("10");
    }
    void abandonFindsAndRemovesWhatAnOldOrNewSourceHolds()
    {
        QFETCH(QString, major);
        PGFERRY_REQUIRE_MAJOR(major);
        test::TwoClusters pair(major, QString());
        const QString db = QStringLiteral("old");
        pair.source.createDatabase(db);
        pair.source.sql(db, QStringLiteral("CREATE TABLE t (id int PRIMARY KEY)"));
        project::Project p;
        p.databases << project::DatabaseSelection{db, {}, {}, {}};
        const QString name = project::migrationObjectName(p.id, 0);
        const QString stale = project::migrationObjectName(p.id, 3);
        const int version = pair.source.connect(db).serverVersion();

        cdc::DdlCaptureConfig cc;
        cc.names.base = name;
        cc.serverVersion = version;
        if (version >= 100000) {
            pair.source.sql(
                db, QStringLiteral("CREATE PUBLICATION %1 FOR TABLE t; CREATE PUBLICATION %2 FOR TABLE t")
                        .arg(name, stale));
            cc.publication = name;
        }
        pair.source.sql(db, QStringLiteral("BEGIN;") +
                                cdc::ddlCaptureInstallSql(cc).join(QStringLiteral(";\n")) +
                                QStringLiteral(";\nCOMMIT;"));
        pair.source.sql(db,
                        QStringLiteral("SELECT pg_create_logical_replication_slot('%1', 'test_decoding');"
                                       "SELECT pg_create_logical_replication_slot('%1_r', 'test_decoding');"
                                       // Left under another index: the project's list of databases changed.
                                       "SELECT pg_create_logical_replication_slot('%2', 'test_decoding');")
                            .arg(name, stale));
        pair.target.sql(QStringLiteral("postgres"),
                        QStringLiteral("SELECT pg_replication_origin_create('%1')").arg(name));

        QTemporaryDir state;
        engine::AbandonInput in;
        in.project = p;
        in.source = pair.source.connInfo();
        in.target = pair.target.connInfo();
        in.stateDir = state.path();
        engine::AbandonPlan plan = engine::planAbandon(in);
        QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(u'\n')));
        QStringList found;
        for (const engine::AbandonItem &i : plan.items)
            found << i.kind + u' ' + i.name;
        QStringList expected{QStringLiteral("replication slot ") + name,
                             QStringLiteral("replication slot ") + name + QStringLiteral("_r"),
                             QStringLiteral("replication slot ") + stale,
                             QStringLiteral("schema-change capture ") + name,
                             QStringLiteral("replication origin ") + name};
        if (version >= 100000) {
            expected.insert(4, QStringLiteral("publication ") + name);
            expected.insert(5, QStringLiteral("publication ") + stale);
        }
        QCOMPARE(found, expected);
        for (const engine::AbandonItem &i : plan.items)
            if (i.kind == u"replication slot")
                QVERIFY2(i.detail.startsWith(QStringLiteral("inactive, holds ")), qPrintable(i.detail));

        QVERIFY(engine::executeAbandon(in, plan));
        pg::Connection s = pair.source.connect(db);
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_replication_slots")).toInt(0, 0), 0);
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_event_trigger")).toInt(0, 0), 0);
        QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '_pgferry'"))
                     .toInt(0, 0),
                 0);
        if (version >= 100000)
            QCOMPARE(s.exec(QStringLiteral("SELECT count(*) FROM pg_publication")).toInt(0, 0), 0);
        QCOMPARE(pair.target.connect()
                     .exec(QStringLiteral("SELECT count(*) FROM pg_replication_origin"))
                     .toInt(0, 0),
                 0);
        QVERIFY(engine::planAbandon(in).nothingToRemove());
    }

    // A cutover that switched the source to read-only and then could not drain (no time allowed for
    // it) makes it writable again and clears the step in the journal: neither abandon nor
    // source-writable then has a switch to undo.
    void aCutoverThatStopsLeavesTheSourceWritableAndTheJournalSaysSo()
    {
        const QString db = QStringLiteral("halt");
        const QString targetDb = QStringLiteral("halt_copy");
        createSource(db);
        QTemporaryDir state;
        engine::LocalEngineConfig c = m_pair->engineConfig(state.path(), project::Mode::Online, db, targetDb);
        c.project.settings.cutover.makeSourceReadOnly = true;
        c.project.settings.cutover.drainTimeoutSeconds = 0;
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QTRY_VERIFY_WITH_TIMEOUT(e.status().readyForCutover() || !done.isEmpty(), 300000);
        QVERIFY2(done.isEmpty(), qPrintable(e.status().errors.join(u'\n')));
        QString why;
        QTRY_VERIFY_WITH_TIMEOUT(e.requestCutover(&why), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 120000);
        QVERIFY2(!done.first().first().toBool(), "the cutover completed without time to drain");
        QVERIFY2(e.status().errors.join(u'\n').contains(QStringLiteral("cutover did not complete")),
                 qPrintable(e.status().errors.join(u'\n')));
        QVERIFY2(e.status().log.join(u'\n').contains(QStringLiteral("making the source database read-only")),
                 qPrintable(e.status().log.join(u'\n')));

        pg::Connection s = m_pair->source.connect(db);
        QCOMPARE(s.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0),
                 QStringLiteral("off"));
        engine::Journal j(state.path());
        QVERIFY(j.load());
        QVERIFY(j.done(db, QStringLiteral("cutover_confirmed")));
        QVERIFY(!j.done(db, QStringLiteral("source_read_only")));
    }

    void sourceWritableUndoesTheSwitchPgferrySetAndOnlyThat()
    {
        const QString db = QStringLiteral("ledger");
        createSource(db);
        project::Project p;
        const QString file = writeProject(p, db, {});
        const QString state = stateDirOf(p);
        const auto readOnlyNow = [&] {
            pg::Connection s = m_pair->source.connect(db);
            return s.exec(QStringLiteral("SHOW default_transaction_read_only")).text(0, 0) == u"on";
        };
        QString out, err;

        // Read-only, but not by pgferry (no journal says so): left alone, with the statement to run.
        m_pair->source.sql(QStringLiteral("postgres"),
                           QStringLiteral("ALTER DATABASE ledger SET default_transaction_read_only = on"));
        QCOMPARE(cli({QStringLiteral("source-writable"), file}, &out, &err), 1);
        QVERIFY2(
            err.contains(QStringLiteral("ALTER DATABASE \"ledger\" RESET default_transaction_read_only")),
            qPrintable(err));
        QVERIFY(readOnlyNow());

        // A cutover that made it read-only and failed: the journal says so.
        {
            engine::Journal j(state);
            QVERIFY(j.load());
            j.markDone(db, QStringLiteral("cutover_confirmed"));
            j.markDone(db, QStringLiteral("source_read_only"));
            QVERIFY(j.save());
        }
        QCOMPARE(cli({QStringLiteral("source-writable"), file, QStringLiteral("--database"),
                      QStringLiteral("nosuchdb")},
                     &out, &err),
                 2);
        QVERIFY(readOnlyNow());
        QCOMPARE(cli({QStringLiteral("source-writable"), file, QStringLiteral("--database"), db}, &out, &err),
                 0);
        QVERIFY2(out.contains(QStringLiteral("writable again")), qPrintable(out));
        QVERIFY(!readOnlyNow());
        {
            engine::Journal j(state);
            QVERIFY(j.load());
            QVERIFY(!j.done(db, QStringLiteral("source_read_only")));
            QVERIFY(!j.value(db, QStringLiteral("source_writable")).isEmpty());
        }
        pg::Connection s = m_pair->source.connect(db);
        s.exec(QStringLiteral("INSERT INTO items VALUES (100000, 'writable')"));

        // Again: nothing to do.
        QCOMPARE(cli({QStringLiteral("source-writable"), file}, &out, &err), 0);
        QVERIFY2(out.contains(QStringLiteral("writable already")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestAbandon)
#include "tst_abandon.moc"
