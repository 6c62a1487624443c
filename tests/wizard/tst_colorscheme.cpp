// Light or dark: View > Colours changes the palette of every widget (the dashboard's charts too),
// the choice survives a restart through QSettings, `--dark`/`--light` hold for one session without
// changing it, and "Follow the system" gives the platform's palette back and keeps following it.
#include "colorscheme.h"
#include "livechart.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "sampleservices.h"
#include "widgetfind.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QLineEdit>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace pgferry;
using namespace pgferry::wizard;

class TestColorScheme : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    QPalette m_platform; // the palette before any choice

    QString iniPath() const { return m_tmp.filePath(QStringLiteral("settings.ini")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("pgferry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_colorscheme"));
        m_platform = QApplication::palette();
        QVERIFY(!ColorScheme::isDark()); // the offscreen platform is light
    }
    void init() { QFile::remove(iniPath()); }
    void cleanup() { QApplication::setPalette(QPalette()); }

    void darkAndLightRepaintEveryWidgetAndTheCharts()
    {
        MainWindow w(std::make_shared<SampleServices>());
        QSettings settings(iniPath(), QSettings::IniFormat);
        w.colorScheme()->setSettings(&settings);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *host = test::findNamed<QLineEdit>(&w, "sourceHost");
        auto *chart = test::findNamed<LiveChart>(&w, "throughputChart");
        const QPalette dark = ColorScheme::darkPalette();

        test::findNamed<QAction>(&w, "actionSchemeDark")->trigger();
        QVERIFY(ColorScheme::isDark());
        QTRY_COMPARE(w.palette().color(QPalette::Window), dark.color(QPalette::Window));
        QCOMPARE(host->palette().color(QPalette::Base), dark.color(QPalette::Base));
        QCOMPARE(host->palette().color(QPalette::Text), dark.color(QPalette::Text));
        QTRY_COMPARE(chart->chart()->backgroundBrush().color(), dark.color(QPalette::Base));

        test::findNamed<QAction>(&w, "actionSchemeLight")->trigger();
        QVERIFY(!ColorScheme::isDark());
        QTRY_COMPARE(host->palette().color(QPalette::Base),
                     ColorScheme::lightPalette().color(QPalette::Base));
        QTRY_COMPARE(chart->chart()->backgroundBrush().color(),
                     ColorScheme::lightPalette().color(QPalette::Base));
    }

    void followingTheSystemGivesThePlatformPaletteBack()
    {
        ColorScheme scheme;
        QSettings settings(iniPath(), QSettings::IniFormat);
        scheme.setSettings(&settings);
        scheme.setChoice(ColorScheme::Choice::Dark);
        QVERIFY(QCoreApplication::testAttribute(Qt::AA_SetPalette));
        scheme.setChoice(ColorScheme::Choice::System);
        QVERIFY(!ColorScheme::isDark());
        QCOMPARE(QApplication::palette().color(QPalette::Window), m_platform.color(QPalette::Window));
        QCOMPARE(QApplication::palette().color(QPalette::Text), m_platform.color(QPalette::Text));
        // No palette of the application's own: Qt follows the platform theme when it changes.
        QVERIFY(!QCoreApplication::testAttribute(Qt::AA_SetPalette));
    }

    void theViewMenuChoiceIsRememberedAcrossRestarts()
    {
        {
            MainWindow w(std::make_shared<SampleServices>());
            QSettings settings(iniPath(), QSettings::IniFormat);
            w.colorScheme()->setSettings(&settings);
            QVERIFY(test::findNamed<QAction>(&w, "actionSchemeSystem")->isChecked()); // nothing chosen yet
            test::findNamed<QAction>(&w, "actionSchemeDark")->trigger();
            QVERIFY(test::findNamed<QAction>(&w, "actionSchemeDark")->isChecked());
            QVERIFY(!test::findNamed<QAction>(&w, "actionSchemeSystem")->isChecked());
        }
        QSettings::Status status;
        {
            QSettings settings(iniPath(), QSettings::IniFormat);
            QCOMPARE(settings.value(QStringLiteral("view/colorScheme")).toString(), QStringLiteral("dark"));
            status = settings.status();
        }
        QCOMPARE(status, QSettings::NoError);
        QApplication::setPalette(QPalette()); // a new process starts with the platform's palette
        MainWindow w(std::make_shared<SampleServices>());
        QSettings settings(iniPath(), QSettings::IniFormat);
        w.colorScheme()->setSettings(&settings);
        QCOMPARE(w.colorScheme()->savedChoice(), ColorScheme::Choice::Dark);
        QVERIFY(test::findNamed<QAction>(&w, "actionSchemeDark")->isChecked());
        w.colorScheme()->apply(w.colorScheme()->savedChoice()); // what main does at start
        QVERIFY(ColorScheme::isDark());
    }

    void theCommandLineChoiceHoldsForTheSessionOnly()
    {
        QSettings settings(iniPath(), QSettings::IniFormat);
        ColorScheme scheme;
        scheme.setSettings(&settings);
        scheme.setChoice(ColorScheme::Choice::Light);
        scheme.apply(ColorScheme::Choice::Dark); // pgferry --dark
        QVERIFY(ColorScheme::isDark());
        QCOMPARE(scheme.choice(), ColorScheme::Choice::Dark);
        QCOMPARE(scheme.savedChoice(), ColorScheme::Choice::Light);
        QCOMPARE(settings.value(QStringLiteral("view/colorScheme")).toString(), QStringLiteral("light"));
    }
};

QTEST_MAIN(TestColorScheme)
#include "tst_colorscheme.moc"
