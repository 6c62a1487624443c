// The Done page's "Back up the source…": each selected source database backed up in the background
// through WizardServices::backupSourceDatabase (engine/backup, pg_dump -Fc, as `pgferry-cli
// backup-source`), with progress, then each archive's size and SHA-256, or the error by database.
// Sample services whose backup writes a small archive; offscreen.
#include "donepage.h"
#include "migrationwizard.h"
#include "sampleservices.h"
#include "widgetfind.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace pgferry;
using namespace pgferry::wizard;

namespace {
struct Recording : SampleServices
{
    std::atomic<QThread *> thread{nullptr};
    QString failDatabase;
    engine::BackupResult backupSourceDatabase(const project::Project &, const Credentials &,
                                              const QString &database, const QString &dir,
                                              const std::function<void(qint64)> &progress) override
    {
        thread = QThread::currentThread();
        engine::BackupResult r;
        r.database = database;
        if (database == failDatabase) {
            r.error = QStringLiteral("pg_dump: error: connection to server failed: FATAL: no pg_hba.conf "
                                     "entry; allow this machine in pg_hba.conf");
            return r;
        }
        const QByteArray data(512 * 1024, 'x');
        for (qint64 n = 256 * 1024; n <= data.size(); n += 256 * 1024) {
            progress(n);
            QThread::msleep(20);
        }
        r.path = QDir(dir).filePath(database + QStringLiteral(".dump"));
        QFile f(r.path);
        if (f.open(QIODevice::WriteOnly))
            f.write(data);
        r.ok = true;
        r.bytes = data.size();
        r.sha256 = QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
        return r;
    }
};
} // namespace

class TestDoneBackup : public QObject
{
    Q_OBJECT
    std::shared_ptr<Recording> m_services;
    std::unique_ptr<MigrationWizard> m_wizard;
    QTemporaryDir m_dir;

    DonePage *page() { return static_cast<DonePage *>(m_wizard->pageAt(MigrationWizard::DonePage)); }

private Q_SLOTS:
    void init()
    {
        m_services = std::make_shared<Recording>();
        m_wizard = std::make_unique<MigrationWizard>(m_services);
        m_wizard->setProject(SampleServices::sampleProject());
        m_wizard->goToPage(MigrationWizard::DonePage);
        m_wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    }
    void cleanup() { m_wizard.reset(); }

    void eachDatabaseIsBackedUpWithItsSizeAndChecksum()
    {
        const project::Project p = SampleServices::sampleProject();
        QVERIFY(!p.databases.isEmpty());
        QLabel *result = test::findNamed<QLabel>(m_wizard.get(), "backupResult");
        QPushButton *button = test::findNamed<QPushButton>(m_wizard.get(), "backupSource");
        QVERIFY(button->isEnabled());
        page()->backUpSourceTo(m_dir.path());
        QVERIFY(page()->isBackingUp());
        QVERIFY(!button->isEnabled());
        QTRY_VERIFY(result->text().contains(u"written")); // progress while pg_dump writes
        QTRY_VERIFY_WITH_TIMEOUT(!page()->isBackingUp(), 20000);
        QVERIFY(m_services->thread.load() != QThread::currentThread());
        QVERIFY(button->isEnabled());
        const QString text = result->text();
        QVERIFY2(text.contains(u"backed up"), qPrintable(text));
        const QString sha = QString::fromLatin1(
            QCryptographicHash::hash(QByteArray(512 * 1024, 'x'), QCryptographicHash::Sha256).toHex());
        for (const project::DatabaseSelection &d : p.databases) {
            QVERIFY(QFile::exists(QDir(m_dir.path()).filePath(d.name + QStringLiteral(".dump"))));
            QVERIFY2(text.contains(d.name + QStringLiteral(".dump")), qPrintable(text));
        }
        QVERIFY2(text.contains(sha), qPrintable(text));
    }

    void aFailedDatabaseIsNamedWithWhatToDo()
    {
        const project::Project p = SampleServices::sampleProject();
        m_services->failDatabase = p.databases.first().name;
        page()->backUpSourceTo(m_dir.path());
        QTRY_VERIFY_WITH_TIMEOUT(!page()->isBackingUp(), 20000);
        const QString text = test::findNamed<QLabel>(m_wizard.get(), "backupResult")->text();
        QVERIFY2(text.contains(QStringLiteral("%1 was not backed up").arg(p.databases.first().name)) &&
                     text.contains(u"pg_hba.conf"),
                 qPrintable(text));
        QVERIFY(text.contains(u"did not finish"));
    }
};

QTEST_MAIN(TestDoneBackup)
#include "tst_donebackup.moc"
