// The target runs out of space during the load: its database lives in a tablespace on a tiny
// tmpfs. The run fails with a clear error that names the table and the cause (SQLSTATE 53100),
// keeps what it committed, and once space is freed (the tmpfs grows) the next run resumes and
// the target ends identical.
#include "faultkit.h"

#include "engine/localengine.h"
#include "pg/connection.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <pwd.h>
#include <unistd.h>

using namespace pgferry;

namespace {

int runCommand(const QString &program, const QStringList &args, QString *output = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(30000))
        return -1;
    if (output)
        *output = QString::fromUtf8(p.readAll()).trimmed();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace

class TestTargetFull : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TwoClusters> m_pair;
    std::unique_ptr<QTemporaryDir> m_mountParent;
    QString m_mount;
    bool m_mounted = false;

    QString mountOptions(int megabytes) const
    {
        const passwd *pw = ::getpwnam("postgres");
        QString o = QStringLiteral("size=%1m,mode=0700").arg(megabytes);
        if (pw && ::geteuid() == 0)
            o += QStringLiteral(",uid=%1,gid=%2").arg(pw->pw_uid).arg(pw->pw_gid);
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs for the target's tablespace needs root; this test runs as root in "
                  "CI");
        m_mountParent =
            std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/pgferry-full-XXXXXX"));
        QFile::setPermissions(m_mountParent->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                         QFile::ExeGroup | QFile::ExeOther);
        m_mount = m_mountParent->path() + QStringLiteral("/space");
        QVERIFY(QDir().mkpath(m_mount));
        QString out;
        if (runCommand(QStringLiteral("mount"),
                       {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"), mountOptions(12),
                        QStringLiteral("tmpfs"), m_mount},
                       &out) != 0)
            QSKIP(qPrintable(
                QStringLiteral(
                    "cannot mount a tmpfs here (%1): a container without CAP_SYS_ADMIN; the out-of-space "
                    "test needs a small filesystem for the target's tablespace")
                    .arg(out)));
        m_mounted = true;
        m_pair = std::make_unique<test::TwoClusters>();
    }
    void cleanupTestCase()
    {
        m_pair.reset(); // stops the servers, which hold files on the tmpfs
        if (m_mounted)
            runCommand(QStringLiteral("umount"), {QStringLiteral("-l"), m_mount});
        m_mountParent.reset();
    }

    void aFullTargetFailsClearlyAndResumesOnceSpaceIsFreed()
    {
        const QString db = QStringLiteral("roomy");
        test::createFaultFixture(m_pair->source, db, 60000, 5); // ~15 MB in table big alone
        pg::Connection admin = m_pair->target.connect();
        admin.exec(QStringLiteral("CREATE TABLESPACE small LOCATION ") + admin.quoteLiteral(m_mount));
        // The database pgferry fills lives on the small filesystem (its catalog takes ~8 MB of it).
        admin.exec(QStringLiteral("CREATE DATABASE roomy TABLESPACE small"));

        QTemporaryDir state;
        engine::LocalEngineConfig c;
        c.project.name = QStringLiteral("full");
        c.project.mode = project::Mode::Offline;
        c.project.databases.append({db, {}, {}, {}, {}});
        c.project.settings.jobs = 2;
        c.project.settings.splitThresholdBytes = 1024 * 1024;
        c.source = m_pair->source.connInfo();
        c.target = m_pair->target.connInfo();
        c.stateDir = state.path();

        {
            engine::LocalEngine e(c);
            QSignalSpy done(&e, &engine::MigrationEngine::finished);
            e.start(engine::MigrationEngine::Until::Done);
            QVERIFY(done.wait(180000));
            QVERIFY2(!done.first().first().toBool(), "the load fitted in the tiny tablespace");
            const engine::MigrationStatus s = e.status();
            const QString errors = s.errors.join(u'\n');
            QCOMPARE(s.state, engine::RunState::Failed);
            QVERIFY2(errors.contains(u"53100"), qPrintable(errors));
            QVERIFY2(errors.contains(u"No space left on device"), qPrintable(errors));
            QVERIFY2(errors.contains(u"table public."), qPrintable(errors)); // names the table
            bool tableFailed = false;
            for (const engine::TableStatus &t : s.databases.first().tables)
                tableFailed =
                    tableFailed || (t.state == engine::TableState::Failed && t.error.contains(u"53100"));
            QVERIFY(tableFailed);
            // It said what to do next: the rest is kept and a rerun loads only what is missing.
            QVERIFY2(errors.contains(u"rerun"), qPrintable(errors));
        }

        // Space is freed: the filesystem grows. The next run resumes and completes.
        QString out;
        QCOMPARE(runCommand(QStringLiteral("mount"),
                            {QStringLiteral("-o"), QStringLiteral("remount,") + mountOptions(256), m_mount},
                            &out),
                 0);
        engine::LocalEngine e(c);
        QSignalSpy done(&e, &engine::MigrationEngine::finished);
        e.start(engine::MigrationEngine::Until::Done);
        QVERIFY(done.wait(180000));
        QVERIFY2(done.first().first().toBool(),
                 qPrintable(e.status().errors.join(u'\n') + u'\n' + e.status().log.join(u'\n')));
        const QString diff = test::differences(m_pair->source, db, m_pair->target, db);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
};

QTEST_GUILESS_MAIN(TestTargetFull)
#include "tst_targetfull.moc"
