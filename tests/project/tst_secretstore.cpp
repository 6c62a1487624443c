// SecretStore without a keychain: the environment comes first, nothing falls back to plain text,
// the reason is given; the run state folder is private, and created the same by many at once.
// (The real keychain: tst_keychain.)
#include "project/secretstore.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace pgferry::project;

namespace {
Project makeProject()
{
    Project p;
    p.id = QStringLiteral("secret-store-test");
    p.source.host = QStringLiteral("src.example.com");
    p.source.user = QStringLiteral("alice");
    p.target.host = QStringLiteral("tgt.example.com");
    p.target.port = 6432;
    return p;
}

int modeOf(const QString &path)
{
    struct stat st
    {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}
} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT
    QTemporaryDir m_runtime;
    QTemporaryDir m_state;

private Q_SLOTS:
    void initTestCase()
    {
        // No D-Bus session: no keychain backend can answer.
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_runtime.path()));
        qunsetenv("PGFERRY_SOURCE_PASSWORD");
        qunsetenv("PGFERRY_TARGET_PASSWORD");
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_state.path()));
    }
    void cleanup()
    {
        qunsetenv("PGFERRY_SOURCE_PASSWORD");
        qunsetenv("PGFERRY_TARGET_PASSWORD");
    }

    void keysAndVariablesAreNamedPerProjectAndRole()
    {
        const Project p = makeProject();
        QCOMPARE(SecretStore::serviceName(), QStringLiteral("pgferry"));
        QCOMPARE(SecretStore::passwordKey(p, Role::Source), QStringLiteral("secret-store-test/source"));
        QCOMPARE(SecretStore::passwordKey(p, Role::Target), QStringLiteral("secret-store-test/target"));
        QCOMPARE(SecretStore::environmentVariable(Role::Source), QStringLiteral("PGFERRY_SOURCE_PASSWORD"));
        QCOMPARE(SecretStore::environmentVariable(Role::Target), QStringLiteral("PGFERRY_TARGET_PASSWORD"));
    }

    void withoutAKeychainTheReasonIsGivenAndNothingIsStored()
    {
        QString why;
        QVERIFY(!SecretStore::keychainAvailable(&why));
        QVERIFY2(why.contains(u"D-Bus"), qPrintable(why));
        QVERIFY2(why.contains(u"plain text"), qPrintable(why));
        QVERIFY2(why.contains(u"PGFERRY_SOURCE_PASSWORD"), qPrintable(why));

        QString error;
        QVERIFY(!SecretStore::storePassword(makeProject(), Role::Source, QStringLiteral("never-stored-1"),
                                            &error));
        QVERIFY2(error.contains(u"no keychain is available"), qPrintable(error));
        QVERIFY(!error.contains(u"never-stored-1"));
        QVERIFY(
            !SecretStore::writeSecret(QStringLiteral("azure/x"), QStringLiteral("never-stored-2"), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!SecretStore::deleteSecret(QStringLiteral("azure/x"), &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!SecretStore::readSecret(QStringLiteral("azure/x"), &error).has_value());
        QVERIFY(!error.isEmpty());
    }

    void withoutAPasswordAnywhereTheResultIsEmptySoThePassfileApplies()
    {
        QString error;
        QVERIFY(!SecretStore::password(makeProject(), Role::Source, &error).has_value());
        QVERIFY2(error.contains(u"no keychain"), qPrintable(error)); // a hint, not a failure
        const auto ci = resolveConnInfo(makeProject(), Role::Target, QStringLiteral("sales;2019"), &error);
        QCOMPARE(ci.host, QStringLiteral("tgt.example.com"));
        QCOMPARE(ci.port, 6432);
        QCOMPARE(ci.database, QStringLiteral("sales;2019"));
        QVERIFY(ci.password.isEmpty());
        QVERIFY(!error.isEmpty());
    }

    void theEnvironmentComesFirst()
    {
        qputenv("PGFERRY_SOURCE_PASSWORD", "from-the-environment");
        QString error = QStringLiteral("stale");
        const auto pw = SecretStore::password(makeProject(), Role::Source, &error);
        QVERIFY(pw.has_value());
        QVERIFY2(*pw == QStringLiteral("from-the-environment"), "the environment password was not used");
        QVERIFY(error.isEmpty());
        QVERIFY(!SecretStore::password(makeProject(), Role::Target, nullptr).has_value());

        const auto ci = resolveConnInfo(makeProject(), Role::Source, QString(), &error);
        QVERIFY2(ci.password == QStringLiteral("from-the-environment"),
                 "resolveConnInfo did not add the password");
        QCOMPARE(ci.database, QStringLiteral("postgres"));
        QVERIFY(error.isEmpty());
        QVERIFY(!ci.redacted().contains(u"from-the-environment"));
    }

    void anEmptyVariableCountsAsUnset()
    {
        qputenv("PGFERRY_TARGET_PASSWORD", "");
        QVERIFY(!SecretStore::password(makeProject(), Role::Target, nullptr).has_value());
    }

    void theRunStateFolderIsPrivateAndPerProject()
    {
        const Project p = makeProject();
        const QString dir = runStateDir(p);
        QCOMPARE(dir, QDir(m_state.path()).absolutePath() + QStringLiteral("/runs/secret-store-test"));
        QVERIFY(QFileInfo(dir).isDir());
        QCOMPARE(modeOf(dir), 0700);
        QCOMPARE(modeOf(m_state.path() + QStringLiteral("/runs")), 0700);
        // A folder left readable by others is made private again.
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
        QCOMPARE(runStateDir(p), dir);
        QCOMPARE(modeOf(dir), 0700);
    }

    void anUnsafeIdGetsNoFolder_data()
    {
        QTest::addColumn<QString>("id");
        QTest::newRow("parent") << QStringLiteral("..");
        QTest::newRow("escape") << QStringLiteral("../../etc");
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("empty") << QString();
    }
    void anUnsafeIdGetsNoFolder()
    {
        QFETCH(QString, id);
        Project p = makeProject();
        p.id = id;
        QString error;
        QVERIFY(runStateDir(p, &error).isEmpty());
        QVERIFY2(error.contains(u"project id") && error.contains(u"give the project a new id"),
                 qPrintable(error));
        QVERIFY(!QFileInfo::exists(m_state.path() + QStringLiteral("/etc")));
    }

    // A `run` and a `status` poll started together both create the folder: whoever comes second
    // must get the same folder, not an empty path (the run then wrote its pid file to /run.pid).
    void manyThreadsCreatingTheFolderAtOnceAllGetIt()
    {
        const Project p = makeProject();
        const int threads = 12;
        const int rounds = 150;
        const QByteArray savedBase = qgetenv("PGFERRY_STATE_DIR");
        for (int round = 0; round < rounds; ++round) {
            // A fresh base each round, several levels deep, so every level is raced for.
            const QString base = m_state.filePath(QStringLiteral("race/%1/deep/base").arg(round));
            qputenv("PGFERRY_STATE_DIR", QFile::encodeName(base));
            const QString expected = QDir(base).absolutePath() + QStringLiteral("/runs/secret-store-test");
            std::vector<QString> dirs(threads);
            std::vector<QString> errors(threads);
            std::atomic<int> waiting{threads};
            std::vector<std::thread> pool;
            for (int t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    // Start together: each spins until all are there.
                    waiting.fetch_sub(1);
                    while (waiting.load() > 0) {
                    }
                    dirs[std::size_t(t)] = runStateDir(p, &errors[std::size_t(t)]);
                });
            for (std::thread &t : pool)
                t.join();
            for (int t = 0; t < threads; ++t) {
                QVERIFY2(dirs[std::size_t(t)] == expected,
                         qPrintable(QStringLiteral("round %1, thread %2 got \"%3\": %4")
                                        .arg(round)
                                        .arg(t)
                                        .arg(dirs[std::size_t(t)], errors[std::size_t(t)])));
                QVERIFY(errors[std::size_t(t)].isEmpty());
            }
            QCOMPARE(modeOf(expected), 0700);
        }
        qputenv("PGFERRY_STATE_DIR", savedBase);
    }

    void aFileInThePlaceOfTheFolderIsRefusedByName()
    {
        Project p = makeProject();
        p.id = QStringLiteral("a-file-here");
        const QString path = m_state.filePath(QStringLiteral("runs/a-file-here"));
        QVERIFY(QDir().mkpath(m_state.filePath(QStringLiteral("runs"))));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QString error;
        QVERIFY(runStateDir(p, &error).isEmpty());
        QVERIFY2(error.contains(QDir(path).absolutePath()) && error.contains(u"not a folder"),
                 qPrintable(error));
    }

    void aFolderOfAnotherUserIsRefusedByName()
    {
        if (::geteuid() != 0)
            QSKIP("giving a folder to another user needs root");
        Project p = makeProject();
        p.id = QStringLiteral("someone-elses");
        const QString path = QDir(m_state.filePath(QStringLiteral("runs/someone-elses"))).absolutePath();
        QVERIFY(QDir().mkpath(path));
        QVERIFY(::chown(QFile::encodeName(path).constData(), 65534, 65534) == 0);
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0777) == 0);
        QString error;
        QVERIFY(runStateDir(p, &error).isEmpty());
        QVERIFY2(error.contains(path) && error.contains(u"belongs to") &&
                     error.contains(u"PGFERRY_STATE_DIR"),
                 qPrintable(error));
        QCOMPARE(modeOf(path), 0777); // not touched
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
