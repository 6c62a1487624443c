// The Done page's "Back up the source…" against a real source server (the test harness's throw-away
// cluster) through the real services: the archive pg_dump -Fc wrote, its size and SHA-256 as shown,
// and the archive readable by pg_restore --list.
#include "coreservices.h"
#include "donepage.h"
#include "migrationwizard.h"
#include "project/secretstore.h"
#include "testclusters.h"
#include "widgetfind.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestDoneBackupDb : public QObject
{
    Q_OBJECT
    std::unique_ptr<test::TestCluster> m_source;
    QTemporaryDir m_state;

private Q_SLOTS:
    void initTestCase()
    {
        m_source = std::make_unique<test::TestCluster>(QStringLiteral("donebackup"));
        // The password as a pipeline gives it (the form's password would do as well).
        qputenv("PGFERRY_SOURCE_PASSWORD", m_source->connInfo().password.toUtf8());
        QVERIFY(m_state.isValid());
        qputenv("PGFERRY_STATE_DIR", m_state.path().toUtf8()); // the run's report goes here
        m_source->createDatabase(QStringLiteral("shop"));
        m_source->sql(QStringLiteral("shop"),
                      QStringLiteral(
                          "CREATE TABLE orders(id int PRIMARY KEY, note text); "
                          "INSERT INTO orders SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g;"));
    }

    void theSourceIsBackedUpAndTheChecksumShownMatchesTheArchive()
    {
        QTemporaryDir dir;
        project::Project p;
        p.name = QStringLiteral("backup");
        p.source = project::ConnectionProfile::fromConnInfo(m_source->connInfo());
        p.target = p.source;
        project::DatabaseSelection d;
        d.name = QStringLiteral("shop");
        p.databases = {d};
        MigrationWizard w(std::make_shared<CoreServices>());
        w.setProject(p);
        w.goToPage(MigrationWizard::DonePage);
        auto *page = static_cast<DonePage *>(w.pageAt(MigrationWizard::DonePage));
        page->backUpSourceTo(dir.path());
        QVERIFY(page->isBackingUp());
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBackingUp(), 120000);
        const QString text = test::findNamed<QLabel>(&w, "backupResult")->text();
        const QString archive = QDir(dir.path()).filePath(QStringLiteral("shop.dump"));
        QVERIFY2(QFile::exists(archive), qPrintable(text));
        QFile f(archive);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        QVERIFY(data.startsWith("PGDMP")); // the custom format's magic
        const QString sha =
            QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
        QVERIFY2(text.contains(archive) && text.contains(sha) && text.contains(u"backed up"),
                 qPrintable(text));
        // The run's report lists it, as pgferry-cli backup-source does.
        QFile report(project::runStateDir(p) + QStringLiteral("/report.json"));
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QJsonObject backup = QJsonDocument::fromJson(report.readAll())
                                       .object()
                                       .value(u"databases")
                                       .toObject()
                                       .value(u"shop")
                                       .toObject()
                                       .value(u"final_backup")
                                       .toObject();
        QCOMPARE(backup.value(u"sha256").toString(), sha);
        QCOMPARE(backup.value(u"bytes").toInteger(), qint64(data.size()));

        // A second backup into the same folder is refused by name rather than overwriting the archive.
        page->backUpSourceTo(dir.path());
        QTRY_VERIFY_WITH_TIMEOUT(!page->isBackingUp(), 120000);
        const QString again = test::findNamed<QLabel>(&w, "backupResult")->text();
        QVERIFY2(again.contains(u"shop was not backed up"), qPrintable(again));
    }
};

QTEST_MAIN(TestDoneBackupDb)
#include "tst_donebackupdb.moc"
