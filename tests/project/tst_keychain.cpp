// SecretStore against a real gnome-keyring in a private D-Bus session (run inside
// scripts/with-keyring): secrets stored, read back and removed; `project new` moves a URI's
// password to the keychain and never into the file. No password is ever printed.
#include "project/projectfile.h"
#include "project/secretstore.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace pgferry::project;

namespace {
// A fresh secret per run, so that nothing can pass by finding an old entry.
QString freshSecret(const char *what)
{
    return QString::fromLatin1(what) + u'-' + QUuid::createUuid().toString(QUuid::Id128).left(16);
}
} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT
    QStringList m_secrets; // removed from any text before it is printed

    QString redact(QString text) const
    {
        for (const QString &s : m_secrets)
            text.replace(s, QStringLiteral("<redacted>"));
        return text;
    }
    QString secret(const char *what)
    {
        m_secrets << freshSecret(what);
        return m_secrets.last();
    }

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("PGFERRY_SOURCE_PASSWORD");
        qunsetenv("PGFERRY_TARGET_PASSWORD");
        QString why;
        QVERIFY2(SecretStore::keychainAvailable(&why),
                 qPrintable(
                     QStringLiteral("no keychain: run this test inside scripts/with-keyring (%1)").arg(why)));
        QVERIFY(why.isEmpty());
    }

    void aSecretIsStoredReadBackAndRemoved()
    {
        const QString key = QStringLiteral("test/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QString value = secret("generic");
        QString error;
        QVERIFY2(SecretStore::writeSecret(key, value, &error), qPrintable(redact(error)));
        auto back = SecretStore::readSecret(key, &error);
        QVERIFY2(back.has_value(), qPrintable(redact(error)));
        QVERIFY2(*back == value, "the secret read back differs from the one stored");

        const QString other = secret("replaced");
        QVERIFY(SecretStore::writeSecret(key, other, &error));
        back = SecretStore::readSecret(key, &error);
        QVERIFY2(back && *back == other, "writing again did not replace the secret");

        QVERIFY2(SecretStore::deleteSecret(key, &error), qPrintable(redact(error)));
        QVERIFY(!SecretStore::readSecret(key, &error).has_value());
        QVERIFY2(error.isEmpty(), qPrintable(redact(error))); // not there is not a failure
        QVERIFY(SecretStore::deleteSecret(key, &error));      // deleting twice is fine
    }

    void projectPasswordsArePerProjectAndRoleAndTheEnvironmentWins()
    {
        Project p, other;
        p.target.host = QStringLiteral("tgt.example.com");
        const QString src = secret("source"), tgt = secret("target"), env = secret("env");
        QString error;
        QVERIFY2(SecretStore::storePassword(p, Role::Source, src, &error), qPrintable(redact(error)));
        QVERIFY2(SecretStore::storePassword(p, Role::Target, tgt, &error), qPrintable(redact(error)));

        auto pw = SecretStore::password(p, Role::Source, &error);
        QVERIFY2(pw && *pw == src, "the source password did not come back");
        pw = SecretStore::password(p, Role::Target, &error);
        QVERIFY2(pw && *pw == tgt, "the target password did not come back");
        QVERIFY(!SecretStore::password(other, Role::Source, &error).has_value());
        QVERIFY(error.isEmpty());

        const auto ci = resolveConnInfo(p, Role::Target, QStringLiteral("sales"), &error);
        QVERIFY2(ci.password == tgt, "resolveConnInfo did not add the keychain password");
        QCOMPARE(ci.host, QStringLiteral("tgt.example.com"));
        QVERIFY(error.isEmpty());

        qputenv("PGFERRY_SOURCE_PASSWORD", env.toUtf8());
        pw = SecretStore::password(p, Role::Source, &error);
        qunsetenv("PGFERRY_SOURCE_PASSWORD");
        QVERIFY2(pw && *pw == env, "the environment did not take precedence over the keychain");

        QVERIFY(SecretStore::removePassword(p, Role::Source, &error));
        QVERIFY(SecretStore::removePassword(p, Role::Target, &error));
        QVERIFY(!SecretStore::password(p, Role::Source, &error).has_value());
        QVERIFY(!SecretStore::password(p, Role::Target, &error).has_value());
    }

    void projectNewMovesAUriPasswordToTheKeychain()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("with-passwords.pgferry"));
        const QString src = secret("cli-source"), tgt = secret("cli-target");
        QProcess cli;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PGFERRY_SOURCE_PASSWORD"));
        env.remove(QStringLiteral("PGFERRY_TARGET_PASSWORD"));
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(PGFERRY_CLI_PATH),
                  {QStringLiteral("project"), QStringLiteral("new"), QStringLiteral("-o"), path,
                   QStringLiteral("--name"), QStringLiteral("keychain"), QStringLiteral("--source"),
                   QStringLiteral("postgresql://alice:%1@src.example.com/postgres").arg(src),
                   QStringLiteral("--target"),
                   QStringLiteral("host=tgt.example.com user=bob password=%1").arg(tgt),
                   QStringLiteral("--database"), QStringLiteral("sales")});
        QVERIFY(cli.waitForFinished(120000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0, qPrintable(redact(err)));
        QVERIFY2(!out.contains(src) && !out.contains(tgt) && !err.contains(src) && !err.contains(tgt),
                 "the CLI printed a password");
        QVERIFY2(out.contains(u"source password: stored in the keychain"), qPrintable(redact(out)));
        QVERIFY2(out.contains(u"target password: stored in the keychain"), qPrintable(redact(out)));

        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(!text.contains(src.toUtf8()) && !text.contains(tgt.toUtf8()),
                 "a password was written to the file");
        QVERIFY(!text.toLower().contains("password"));

        const LoadResult r = loadProjectFile(path);
        QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
        QCOMPARE(r.project->source.user, QStringLiteral("alice"));
        QString error;
        auto pw = SecretStore::password(*r.project, Role::Source, &error);
        QVERIFY2(pw && *pw == src, "the source password is not in the keychain under the project's id");
        pw = SecretStore::password(*r.project, Role::Target, &error);
        QVERIFY2(pw && *pw == tgt, "the target password is not in the keychain under the project's id");
        QVERIFY(SecretStore::removePassword(*r.project, Role::Source, &error));
        QVERIFY(SecretStore::removePassword(*r.project, Role::Target, &error));
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
