// The window around the wizard: save and reopen a project through the UI (a real project file),
// the dirty marker, closing during a run asks and stops the run cleanly, and a project whose run
// is under way reopens on its dashboard; the window and the wizard carry the application icon of
// resources/.
#include "coreservices.h"
#include "fakeengine.h"
#include "icons.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "tablestatusmodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QLineEdit>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;

    template<typename T> static T *find(QWidget *root, const char *name)
    {
        T *w = root->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no widget %s", name);
        return w;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("PGFERRY_STATE_DIR", QFile::encodeName(m_tmp.filePath(QStringLiteral("state"))));
        QCoreApplication::setOrganizationName(QStringLiteral("pgferry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    }

    void aProjectSavedThroughTheUiReopensAsItWas()
    {
        auto services = std::make_shared<CoreServices>();
        QSettings recent(m_tmp.filePath(QStringLiteral("recent.ini")), QSettings::IniFormat);
        services->setRecentSettings(&recent);
        const QString path = m_tmp.filePath(QStringLiteral("orders.pgferry"));
        {
            MainWindow w(services);
            w.setAsk([](const QString &, const QString &, QMessageBox::StandardButtons) {
                return QMessageBox::Discard;
            });
            w.show();
            QVERIFY(!w.isDirty());
            QTest::keyClicks(find<QLineEdit>(&w, "projectName"), QStringLiteral("Orders to Azure"));
            QVERIFY(w.isDirty());
            QVERIFY(w.windowTitle().contains(u"Orders to Azure"));
            find<QRadioButton>(&w, "modeOffline")->setChecked(true);
            find<QLineEdit>(&w, "sourceHost")->setText(QStringLiteral("db1.example.com"));
            find<QSpinBox>(&w, "sourcePort")->setValue(6432);
            find<QLineEdit>(&w, "sourceUser")->setText(QStringLiteral("migrator"));
            find<QComboBox>(&w, "sourceSslMode")->setCurrentIndex(2); // require
            find<QLineEdit>(&w, "targetHost")->setText(QStringLiteral("pg.example.net"));
            find<QLineEdit>(&w, "targetUser")->setText(QStringLiteral("admin"));
            find<QSpinBox>(&w, "settingJobs")->setValue(9);
            find<QCheckBox>(&w, "settingReadOnly")->setChecked(false);
            find<QComboBox>(&w, "settingVerifyLevel")->setCurrentIndex(1); // row counts only
            QVERIFY(w.saveAs(path));
            QVERIFY(!w.isDirty());
            QVERIFY(QFile::exists(path));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray json = f.readAll();
        QVERIFY(json.contains("pgferry-project"));
        QVERIFY(!json.contains("password\""));

        MainWindow w(services);
        w.show();
        QVERIFY(w.openProject(path));
        QVERIFY(!w.isDirty());
        QCOMPARE(find<QLineEdit>(&w, "projectName")->text(), QStringLiteral("Orders to Azure"));
        QVERIFY(find<QRadioButton>(&w, "modeOffline")->isChecked());
        QCOMPARE(find<QLineEdit>(&w, "sourceHost")->text(), QStringLiteral("db1.example.com"));
        QCOMPARE(find<QSpinBox>(&w, "sourcePort")->value(), 6432);
        QCOMPARE(find<QComboBox>(&w, "sourceSslMode")->currentData().toString(), QStringLiteral("require"));
        QCOMPARE(find<QLineEdit>(&w, "targetHost")->text(), QStringLiteral("pg.example.net"));
        QCOMPARE(find<QSpinBox>(&w, "settingJobs")->value(), 9);
        QVERIFY(!find<QCheckBox>(&w, "settingReadOnly")->isChecked());
        QCOMPARE(find<QComboBox>(&w, "settingVerifyLevel")->currentData().toInt(),
                 int(project::VerifyLevel::Count));
        QVERIFY(json.contains("\"count\""));
        QCOMPARE(w.wizard()->currentId(),
                 int(MigrationWizard::ProjectPage)); // never ran: starts at the start
        QCOMPARE(services->recentFiles().value(0), QFileInfo(path).absoluteFilePath());
    }

    void aBrokenProjectFileSaysWhatIsWrong()
    {
        const QString path = m_tmp.filePath(QStringLiteral("broken.pgferry"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"pgferry-project\", \"version\": 1, \"source\": 5}");
        f.close();
        MainWindow w(std::make_shared<CoreServices>());
        QString asked;
        w.setAsk([&](const QString &, const QString &text, QMessageBox::StandardButtons) {
            asked = text;
            return QMessageBox::Ok;
        });
        QVERIFY(!w.openProject(path));
        QVERIFY2(asked.contains(u"broken.pgferry"), qPrintable(asked));
        QVERIFY(w.filePath().isEmpty());
    }

    // The icon is resources/io.github.pgferry.Pgferry.svg's PNGs, compiled in from pgferry.qrc.
    void theWindowCarriesTheApplicationIcon()
    {
        const QIcon icon = appIcon();
        QVERIFY(!icon.isNull());
        const QList<QSize> sizes = icon.availableSizes();
        for (int size : {16, 32, 48, 64, 128, 256})
            QVERIFY2(sizes.contains(QSize(size, size)), qPrintable(QString::number(size)));
        // Rounded corners (transparent), the blue ground, the white hull.
        const QImage big = icon.pixmap(QSize(256, 256), 1.0).toImage();
        QCOMPARE(big.size(), QSize(256, 256));
        QCOMPARE(qAlpha(big.pixel(1, 1)), 0);
        const QColor ground = big.pixelColor(128, 20);
        QVERIFY2(ground.blue() > ground.red() + 40 && ground.alpha() == 255, qPrintable(ground.name()));
        QCOMPARE(big.pixelColor(128, 160), QColor(Qt::white));
        // The wizard's logo at twice the pixels is drawn from the larger rendition, not enlarged.
        const QPixmap logo = appLogo(48, 2.0);
        QCOMPARE(logo.size(), QSize(96, 96));
        QCOMPARE(logo.devicePixelRatio(), 2.0);

        auto services = std::make_shared<CoreServices>();
        MainWindow w(services);
        QVERIFY(!w.windowIcon().isNull());
        QCOMPARE(w.windowIcon().availableSizes(), sizes);
    }

    void closingWithUnsavedChangesAsks()
    {
        MainWindow w(std::make_shared<SampleServices>());
        w.show();
        int asks = 0;
        w.setAsk([&](const QString &, const QString &, QMessageBox::StandardButtons) {
            ++asks;
            return QMessageBox::Cancel;
        });
        find<QLineEdit>(&w, "projectName")->setText(QStringLiteral("x"));
        QVERIFY(!w.close());
        QCOMPARE(asks, 1);
        QVERIFY(w.isVisible());
    }

    void closingDuringARunAsksAndStopsTheRunCleanly()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        MainWindow w(services);
        w.show();
        w.wizard()->setProject(SampleServices::sampleProject());
        QString error;
        QVERIFY(w.wizard()->startRun(&error));
        QVERIFY(services->engine);
        QCOMPARE(services->engine->starts, 1);
        QStringList questions;
        QMessageBox::StandardButton answer = QMessageBox::No;
        w.setAsk([&](const QString &title, const QString &, QMessageBox::StandardButtons) {
            questions << title;
            return title == u"Migration running" ? answer : QMessageBox::Discard;
        });
        QVERIFY(!w.close());
        QCOMPARE(questions.size(), 1);
        QVERIFY(w.isVisible());
        QCOMPARE(services->engine->stops, 0);
        answer = QMessageBox::Yes;
        w.close();
        QTRY_COMPARE(services->engine->stops, 1);
        QTRY_VERIFY(!w.isVisible()); // closes once the engine reports that it stopped
        QVERIFY(!w.wizard()->isRunning());
    }

    void aProjectWhoseRunIsUnderWayOpensOnItsDashboard()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        services->last = SampleServices::sampleStatus(900);
        services->last->state = engine::RunState::Stopped;
        MainWindow w(services);
        w.show();
        QVERIFY(w.openProject(QStringLiteral("/any/where.pgferry")));
        QCOMPARE(w.wizard()->currentId(), int(MigrationWizard::MonitorPage));
        QVERIFY(w.wizard()->isRunning()); // resumed
        QVERIFY(services->engine);
        QCOMPARE(services->engine->starts, 1);
        auto *monitor = static_cast<MonitorPage *>(w.wizard()->currentPage());
        monitor->applyPending();
        QVERIFY(monitor->model()->rowCount() > 100);
    }

    void aCompletedProjectOpensOnDone()
    {
        auto services = std::make_shared<test::FakeEngineServices>();
        services->last = SampleServices::sampleCompletedStatus();
        MainWindow w(services);
        w.show();
        QVERIFY(w.openProject(QStringLiteral("/any/where.pgferry")));
        QCOMPARE(w.wizard()->currentId(), int(MigrationWizard::DonePage));
        QVERIFY(!w.wizard()->isRunning());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
