// TLS against a local server that only accepts TLS, with a certificate from a self-signed CA made
// by the test (openssl): sslmode=verify-full succeeds with the CA file, and fails with a clear
// TLS-category error without it, with another CA, or with a host name the certificate does not
// name. A whole migration to that server works through verify-full, and without the CA file the
// CLI says what is wrong.
#include "faultkit.h"

#include "pg/connection.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <pwd.h>
#include <unistd.h>

using namespace pgferry;

namespace {

void openssl(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        throw std::runtime_error(QString(QStringLiteral("openssl ") + args.join(u' ') + QStringLiteral(": ") +
                                         QString::fromUtf8(p.readAll()))
                                     .toStdString());
}

// A CA and a server certificate for localhost and 127.0.0.1, signed by it.
void makeCertificates(const QString &dir, const QString &prefix, bool server)
{
    openssl(dir,
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
             QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
             QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=pgferry test CA ") + prefix,
             QStringLiteral("-keyout"), prefix + QStringLiteral("ca.key"), QStringLiteral("-out"),
             prefix + QStringLiteral("ca.crt")});
    if (!server)
        return;
    QFile ext(dir + QStringLiteral("/san.ext"));
    if (!ext.open(QIODevice::WriteOnly))
        throw std::runtime_error("cannot write san.ext");
    ext.write("subjectAltName = DNS:localhost, IP:127.0.0.1\n");
    ext.close();
    openssl(dir, {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                  QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                  QStringLiteral("-keyout"), QStringLiteral("server.key"), QStringLiteral("-out"),
                  QStringLiteral("server.csr")});
    openssl(dir,
            {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
             QStringLiteral("server.csr"), QStringLiteral("-CA"), prefix + QStringLiteral("ca.crt"),
             QStringLiteral("-CAkey"), prefix + QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
             QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
             QStringLiteral("san.ext"), QStringLiteral("-out"), QStringLiteral("server.crt")});
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_certs;
    std::unique_ptr<test::TestCluster> m_source, m_tlsTarget;
    QString m_ca, m_otherCa;

    pg::ConnInfo tlsInfo(const QString &sslmode, const QString &rootcert,
                         const QString &host = QStringLiteral("127.0.0.1"))
    {
        pg::ConnInfo ci = m_tlsTarget->connInfo();
        ci.host = host;
        ci.sslmode = sslmode;
        ci.sslrootcert = rootcert;
        return ci;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_certs = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/pgferry-tls-XXXXXX"));
        QVERIFY(m_certs->isValid());
        const QString d = m_certs->path();
        QFile::setPermissions(d, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ExeGroup |
                                     QFile::ExeOther | QFile::ReadGroup | QFile::ReadOther);
        makeCertificates(d, QStringLiteral("other-"), false);
        makeCertificates(d, QString(), true);
        m_ca = d + QStringLiteral("/ca.crt");
        m_otherCa = d + QStringLiteral("/other-ca.crt");
        // The server reads its key as the postgres user, and only from a private file.
        QFile::setPermissions(d + QStringLiteral("/server.key"), QFile::ReadOwner | QFile::WriteOwner);
        QFile::setPermissions(d + QStringLiteral("/server.crt"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        if (::geteuid() == 0) {
            const passwd *pw = ::getpwnam("postgres");
            QVERIFY(pw);
            QVERIFY(::chown(QFile::encodeName(d + QStringLiteral("/server.key")).constData(), pw->pw_uid,
                            pw->pw_gid) == 0);
            QVERIFY(::chown(QFile::encodeName(d + QStringLiteral("/server.crt")).constData(), pw->pw_uid,
                            pw->pw_gid) == 0);
        }
        sandbox::ClusterOptions o;
        o.extraConfig << QStringLiteral("ssl = on")
                      << QStringLiteral("ssl_cert_file = '%1/server.crt'").arg(d)
                      << QStringLiteral("ssl_key_file = '%1/server.key'").arg(d);
        m_tlsTarget = std::make_unique<test::TestCluster>(QStringLiteral("tls"), o);
        // TLS only, over TCP.
        m_tlsTarget->cluster().writeHba({QStringLiteral("local all all trust"),
                                         QStringLiteral("hostssl all all 127.0.0.1/32 scram-sha-256"),
                                         QStringLiteral("hostnossl all all 127.0.0.1/32 reject")});
        m_source = std::make_unique<test::TestCluster>(QStringLiteral("source"));
    }
    void cleanupTestCase()
    {
        m_source.reset();
        m_tlsTarget.reset();
        m_certs.reset();
    }

    void verifyFullSucceedsWithTheCaFile()
    {
        pg::Connection c = pg::Connection::open(tlsInfo(QStringLiteral("verify-full"), m_ca));
        QCOMPARE(c.exec(QStringLiteral("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                     .text(0, 0),
                 QStringLiteral("true"));
        pg::Connection byName =
            pg::Connection::open(tlsInfo(QStringLiteral("verify-full"), m_ca, QStringLiteral("localhost")));
        QVERIFY(byName.isOpen());
    }

    void verifyFullFailsClearly_data()
    {
        QTest::addColumn<QString>("rootcert");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no CA file") << QStringLiteral("/nonexistent/root.crt") << QStringLiteral("127.0.0.1")
                                    << QStringLiteral("root certificate");
        QTest::newRow("another CA") << QStringLiteral("other") << QStringLiteral("127.0.0.1")
                                    << QStringLiteral("certificate verify failed");
        QTest::newRow("a name the certificate lacks")
            << QStringLiteral("ca") << QStringLiteral("127.0.0.2") << QStringLiteral("does not match");
    }
    void verifyFullFailsClearly()
    {
        QFETCH(QString, rootcert);
        QFETCH(QString, host);
        QFETCH(QString, expected);
        const QString file = rootcert == u"ca" ? m_ca : rootcert == u"other" ? m_otherCa : rootcert;
        pg::ConnInfo ci = tlsInfo(QStringLiteral("verify-full"), file, host);
        if (host == u"127.0.0.2") {
            // Reach the server at 127.0.0.1 while verifying the name 127.0.0.2.
            ci.extra.insert(QStringLiteral("hostaddr"), QStringLiteral("127.0.0.1"));
        }
        try {
            pg::Connection::open(ci);
            QFAIL("connected without a verified certificate");
        } catch (const pg::Exception &e) {
            QCOMPARE(e.error().category, pg::ErrorCategory::Tls);
            QVERIFY2(e.error().message.contains(expected), qPrintable(e.error().toString()));
            QVERIFY2(e.error().hint.contains(u"sslrootcert"), qPrintable(e.error().toString()));
            QVERIFY(!e.error().retryable());
            QVERIFY(!e.error().toString().contains(m_tlsTarget->cluster().password()));
        }
    }

    void aPlainConnectionIsRejected()
    {
        try {
            pg::Connection::open(tlsInfo(QStringLiteral("disable"), {}));
            QFAIL("connected without TLS");
        } catch (const pg::Exception &e) {
            QVERIFY2(e.error().category == pg::ErrorCategory::Auth,
                     qPrintable(e.error().toString())); // pg_hba.conf rejects it
            QVERIFY(!e.error().retryable());
        }
    }

    void aMigrationRunsThroughVerifyFullAndSaysWhyWithoutTheCa()
    {
        const QString db = QStringLiteral("tlsdb");
        test::createFaultFixture(*m_source, db, 2000, 3);
        test::CliRig rig(m_source->connInfo(), tlsInfo(QStringLiteral("verify-full"), {}), db,
                         project::Mode::Offline);
        // Without the CA file: a clear TLS error, nothing half done.
        QString out, err;
        QCOMPARE(rig.run({QStringLiteral("run"), rig.projectFile()}, 120000, &out, &err), 1);
        QVERIFY2(err.contains(u"certificate", Qt::CaseInsensitive) && err.contains(u"sslrootcert"),
                 qPrintable(err));
        // With it: the migration completes, identical.
        rig.project().target.sslrootcert = m_ca;
        rig.save();
        QCOMPARE(rig.run({QStringLiteral("run"), rig.projectFile()}, 180000, &out, &err), 0);
        const QString diff = test::differences(*m_source, db, *m_tlsTarget, db);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
