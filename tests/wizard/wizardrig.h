// The wizard as the real-server GUI tests drive it: a main window on the real core services, with
// a recent-files list of its own and every "save changes?" answered Discard, and its pages filled
// in as a person would (the connection forms, Project to Summary and Run, the Cutover page's
// Apply). The functions use Qt Test's checks: after one, a caller tests QTest::currentTestFailed().
#pragma once

#include "coreservices.h"
#include "cutoverpage.h"
#include "databasespage.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "testclusters.h"
#include "widgetfind.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <memory>

namespace pgferry::test {

// Fills the connection form of `role` ("source", "target") and presses its Test connection.
inline void fillConnection(const QObject *root, const QString &role, const pg::ConnInfo &ci)
{
    findNamed<QLineEdit>(root, role + QStringLiteral("Host"))->setText(ci.host);
    findNamed<QSpinBox>(root, role + QStringLiteral("Port"))->setValue(ci.port);
    findNamed<QLineEdit>(root, role + QStringLiteral("User"))->setText(ci.user);
    findNamed<QLineEdit>(root, role + QStringLiteral("Password"))->setText(ci.password);
    QTest::mouseClick(findNamed<QAbstractButton>(root, role + QStringLiteral("TestConnection")),
                      Qt::LeftButton);
}

struct WizardRig
{
    // A shown window whose recent-files list is the ini file `recentFile` (not the user's).
    explicit WizardRig(const QString &recentFile)
        : recent(recentFile, QSettings::IniFormat), services([this] {
              auto s = std::make_shared<wizard::CoreServices>();
              s->setRecentSettings(&recent);
              return s;
          }()),
          window(services)
    {
        window.setAsk([](const QString &, const QString &, QMessageBox::StandardButtons) {
            return QMessageBox::Discard;
        });
        window.show();
    }

    wizard::MigrationWizard *wizard() const { return window.wizard(); }

    // The Project page (its name and mode), then the Source page filled and tested; returns on the
    // Source page, complete, with the source assessed.
    void fillProjectAndSource(const QString &name, bool online, const pg::ConnInfo &source)
    {
        wizard::MigrationWizard *w = wizard();
        QTest::keyClicks(findNamed<QLineEdit>(&window, "projectName"), name);
        findNamed<QRadioButton>(&window, online ? "modeOnline" : "modeOffline")->setChecked(true);
        w->next();
        QCOMPARE(w->currentId(), int(wizard::MigrationWizard::SourcePage));
        fillConnection(&window, QStringLiteral("source"), source);
        QTRY_VERIFY_WITH_TIMEOUT(w->currentPage()->isComplete(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(w->assessment().ran, 20000);
    }

    // On to the Target page: a plain server, filled and tested; returns when the page is complete
    // and the assessment of the pair has finished.
    void fillTarget(const pg::ConnInfo &target)
    {
        wizard::MigrationWizard *w = wizard();
        w->next();
        QCOMPARE(w->currentId(), int(wizard::MigrationWizard::TargetPage));
        findNamed<QRadioButton>(&window, "targetKindPlain")->setChecked(true);
        fillConnection(&window, QStringLiteral("target"), target);
        QTRY_VERIFY_WITH_TIMEOUT(w->currentPage()->isComplete(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->assessmentRunning(), 30000);
    }

    // Fills Project to Summary (the given databases, each of `tablesEach` tables, ticked; the
    // fallback setting as given), saves the project as `file` and presses Run; returns when the
    // dashboard shows.
    void fillAndRun(const TwoClusters &servers, const QString &name, bool online,
                    const QStringList &databases, int tablesEach, const QString &file, bool fallback = false)
    {
        wizard::MigrationWizard *w = wizard();
        fillProjectAndSource(name, online, servers.source.connInfo());
        if (QTest::currentTestFailed())
            return;
        fillTarget(servers.target.connInfo());
        if (QTest::currentTestFailed())
            return;
        w->next();
        QCOMPARE(w->currentId(), int(wizard::MigrationWizard::DatabasesPage));
        QTableWidget *t = static_cast<wizard::DatabasesPage *>(w->currentPage())->table();
        for (const QString &database : databases) {
            bool found = false;
            for (int r = 0; r < t->rowCount(); ++r) {
                if (t->item(r, wizard::DatabasesPage::NameColumn)->text() == database) {
                    t->item(r, wizard::DatabasesPage::NameColumn)->setCheckState(Qt::Checked);
                    QCOMPARE(t->item(r, wizard::DatabasesPage::TablesColumn)->text(),
                             QString::number(tablesEach));
                    found = true;
                }
            }
            QVERIFY2(found, qPrintable(database));
        }
        QVERIFY(w->currentPage()->isComplete());
        w->next();
        QCOMPARE(w->currentId(), int(wizard::MigrationWizard::SettingsPage));
        findNamed<QCheckBox>(&window, "settingFallback")->setChecked(fallback);
        w->next();
        QCOMPARE(w->currentId(), int(wizard::MigrationWizard::SummaryPage));
        QVERIFY(window.saveAs(file));
        QTRY_VERIFY_WITH_TIMEOUT(w->currentPage()->isComplete(), 30000); // the summary's assessment
        const QString assessment = w->assessment().json;
        w->next();
        const QString summaryError = findNamed<QLabel>(&window, "summaryError")->text();
        QVERIFY2(w->currentId() == wizard::MigrationWizard::MonitorPage,
                 qPrintable(summaryError + u'\n' + assessment));
        QVERIFY(w->isRunning());
    }

    // On the Cutover page: ticks Confirm and presses Apply. The engine may refuse for a moment (a
    // burst of lag just after the check); the page says why ("could not start") and offers Apply
    // again, and this presses it again, as an administrator would. Returns the page's result.
    QLabel *applyCutover()
    {
        wizard::MigrationWizard *w = wizard();
        auto *result = findNamed<QLabel>(&window, "cutoverResult");
        [&] {
            QCOMPARE(w->currentId(), int(wizard::MigrationWizard::CutoverPage));
            auto *page = static_cast<wizard::CutoverPage *>(w->currentPage());
            page->confirmBox()->setChecked(true);
            QTRY_VERIFY(page->applyButton()->isEnabled());
            QTest::mouseClick(page->applyButton(), Qt::LeftButton);
            for (int i = 0; i < 60 && result->text().contains(u"could not start"); ++i) {
                qInfo("%s", qPrintable(result->text()));
                QTRY_VERIFY_WITH_TIMEOUT(page->applyButton()->isEnabled(), 30000);
                QTest::qWait(500);
                QTest::mouseClick(page->applyButton(), Qt::LeftButton);
            }
        }();
        return result;
    }

    QSettings recent;
    std::shared_ptr<wizard::CoreServices> services;
    wizard::MainWindow window;
};

} // namespace pgferry::test
