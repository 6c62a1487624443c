// Secrets never leak: a full online migration with passwords given through the environment, then
// every file pgferry wrote (project file, run state folder: journal, spool, status, report,
// archives, and every output of the CLI) is scanned for the passwords: none. pg_dump and
// pg_restore run through wrappers that record their command lines and environment: the password
// reaches them through the environment only. /proc/*/cmdline is sampled while the run goes on.
// Run-state files are readable by the user only.
#include "faultkit.h"

#include "pg/connection.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <sys/stat.h>
#include <thread>

using namespace pgferry;
using namespace std::chrono_literals;

namespace {

// Every file under `dir` whose contents hold one of the needles.
QStringList filesHolding(const QString &dir, const QList<QByteArray> &needles)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray all = f.readAll();
        for (const QByteArray &n : needles)
            if (all.contains(n) || all.contains(n.toBase64()) || all.contains(QByteArray(n).toHex()))
                hits << path;
    }
    return hits;
}

// Files and folders under `dir` that others than the owner can read, write or enter.
QStringList notPrivate(const QString &dir)
{
    QStringList bad;
    struct stat st
    {};
    if (::stat(QFile::encodeName(dir).constData(), &st) == 0 && (st.st_mode & 077) != 0)
        bad << QStringLiteral("%1 (%2)").arg(dir).arg(st.st_mode & 0777, 0, 8);
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (::lstat(QFile::encodeName(path).constData(), &st) == 0 && (st.st_mode & 077) != 0)
            bad << QStringLiteral("%1 (%2)").arg(path).arg(st.st_mode & 0777, 0, 8);
    }
    return bad;
}

// Samples every process's command line until stopped; records those that hold a needle.
class CmdlineWatch
{
public:
    explicit CmdlineWatch(QList<QByteArray> needles) : m_needles(std::move(needles))
    {
        m_thread = std::thread([this] {
            while (!m_stop.load()) {
                const QStringList pids =
                    QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
                for (const QString &pid : pids) {
                    if (!pid.front().isDigit())
                        continue;
                    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
                    if (!f.open(QIODevice::ReadOnly))
                        continue;
                    const QByteArray cmd = f.readAll();
                    if (cmd.contains("pg_dump") || cmd.contains("pg_restore") || cmd.contains("pgferry"))
                        ++m_seen;
                    for (const QByteArray &n : m_needles)
                        if (cmd.contains(n)) {
                            std::lock_guard l(m_mutex);
                            m_hits << QString::fromUtf8(QByteArray(cmd).replace('\0', ' '));
                        }
                }
                std::this_thread::sleep_for(20ms);
            }
        });
    }
    ~CmdlineWatch() { stop(); } // a failed check returns early: never leave the thread joinable
    QStringList stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        std::lock_guard l(m_mutex);
        return m_hits;
    }
    int seen() const { return m_seen.load(); }

private:
    QList<QByteArray> m_needles;
    std::atomic_bool m_stop{false};
    std::atomic_int m_seen{0};
    std::thread m_thread;
    std::mutex m_mutex;
    QStringList m_hits;
};

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;

private Q_SLOTS:
    void initTestCase() { m_pair = std::make_unique<test::TwoClusters>(); }
    void cleanupTestCase() { m_pair.reset(); }

    void passwordsAppearInNoFileOutputOrCommandLine()
    {
        const QString sourcePassword = m_pair->source->password();
        const QString targetPassword = m_pair->target->password();
        QVERIFY(sourcePassword.size() >= 16 && targetPassword.size() >= 16);
        const QList<QByteArray> needles{sourcePassword.toUtf8(), targetPassword.toUtf8()};

        const QString db = QStringLiteral("secretive");
        test::createFaultFixture(m_pair->source, db, 5000, 5);
        test::CliRig rig(m_pair->source.connInfo(), m_pair->target.connInfo(), db, project::Mode::Online);

        // pg_dump and pg_restore through wrappers that log their argv and whether PGPASSWORD is set.
        QTemporaryDir bin;
        const QString realBin = sandbox::LocalCluster::binDir();
        const QString argvLog = bin.path() + QStringLiteral("/argv.log");
        for (const QString &tool : {QStringLiteral("pg_dump"), QStringLiteral("pg_restore")}) {
            QFile w(bin.path() + u'/' + tool);
            QVERIFY(w.open(QIODevice::WriteOnly));
            w.write(QStringLiteral("#!/bin/sh\n"
                                   "printf '%s' \"$0\" >> '%1'\n"
                                   "for a in \"$@\"; do printf ' [%s]' \"$a\" >> '%1'; done\n"
                                   "if [ -n \"$PGPASSWORD\" ]; then echo ' PGPASSWORD=set' >> '%1'; else "
                                   "echo ' PGPASSWORD=unset' >> '%1'; fi\n"
                                   "exec '%2/%3' \"$@\"\n")
                        .arg(argvLog, realBin, tool)
                        .toUtf8());
            w.close();
            QFile::setPermissions(w.fileName(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        }
        rig.setExtraEnvironment(QStringLiteral("PGFERRY_PG_BINDIR"), bin.path());

        CmdlineWatch watch(needles);
        QStringList duringStream;
        QStringList permsDuringStream;
        const QString problem = rig.runOnlineToTheEnd([&] {
            // While streaming, the spool and the archives are there: scan them now.
            duringStream = filesHolding(rig.stateDir(), needles);
            permsDuringStream = notPrivate(rig.stateDir());
            QVERIFY(QFileInfo::exists(rig.stateDir() + QStringLiteral("/journal.json")));
        });
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // The other verbs write output and files too.
        QString out, err;
        QCOMPARE(rig.run({QStringLiteral("status"), rig.projectFile(), QStringLiteral("--json")}, 30000, &out,
                         &err),
                 0);
        QVERIFY(rig.run({QStringLiteral("verify"), rig.projectFile(), QStringLiteral("--json")}, 120000, &out,
                        &err) >= 0);
        const QString reportDir = rig.stateBase() + QStringLiteral("/reports");
        QDir().mkpath(reportDir);
        QCOMPARE(
            rig.run({QStringLiteral("report"), rig.projectFile(), QStringLiteral("--format"),
                     QStringLiteral("html"), QStringLiteral("-o"), reportDir + QStringLiteral("/r.html")},
                    30000, &out, &err),
            0);
        QCOMPARE(
            rig.run({QStringLiteral("report"), rig.projectFile(), QStringLiteral("--format"),
                     QStringLiteral("json"), QStringLiteral("-o"), reportDir + QStringLiteral("/r.json")},
                    30000, &out, &err),
            0);
        // A failed connection is reported without its password too.
        test::CliRig wrong(m_pair->source.connInfo(), m_pair->target.connInfo(), db, project::Mode::Online);
        wrong.setExtraEnvironment(QStringLiteral("PGFERRY_TARGET_PASSWORD"),
                                  targetPassword + QStringLiteral("-wrong"));
        QCOMPARE(wrong.run({QStringLiteral("run"), wrong.projectFile()}, 60000, &out, &err), 1);
        QVERIFY2(err.contains(u"password", Qt::CaseInsensitive), qPrintable(err));
        QVERIFY(!err.contains(targetPassword) && !out.contains(targetPassword));

        const QStringList cmdlineHits = watch.stop();
        QVERIFY2(cmdlineHits.isEmpty(), qPrintable(cmdlineHits.join(u'\n')));
        QVERIFY(watch.seen() > 0); // the watch did see pgferry's processes

        QVERIFY2(duringStream.isEmpty(), qPrintable(duringStream.join(u'\n')));
        // Everything the rigs hold: project files, state folders, reports, and every stdout/stderr.
        const QStringList after = filesHolding(QFileInfo(rig.projectFile()).path(), needles) +
                                  filesHolding(QFileInfo(wrong.projectFile()).path(), needles);
        QVERIFY2(after.isEmpty(), qPrintable(after.join(u'\n')));
        // The scan would have found them: the logs hold the redacted URIs.
        QVERIFY(!filesHolding(QFileInfo(rig.projectFile()).path(), {QByteArray("pgferry")}).isEmpty());

        // pg_dump and pg_restore ran, with the password in their environment only.
        QFile log(argvLog);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray argv = log.readAll();
        QVERIFY2(argv.contains("pg_dump") && argv.contains("pg_restore"), argv.constData());
        // Every run that connects has the password in its environment (--version and --list do not connect).
        for (const QByteArray &line : argv.split('\n'))
            if (!line.isEmpty() && !line.contains("[--version]") && !line.contains("[--list]"))
                QVERIFY2(line.endsWith("PGPASSWORD=set"), line.constData());
        for (const QByteArray &n : needles)
            QVERIFY2(!argv.contains(n), "a password on a command line");
        QVERIFY(!argv.contains("password="));

        // Run state: the user's only.
        QVERIFY2(permsDuringStream.isEmpty(), qPrintable(permsDuringStream.join(u'\n')));
        const QStringList perms = notPrivate(rig.stateDir());
        QVERIFY2(perms.isEmpty(), qPrintable(perms.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
