#include "screenshots.h"

#include "azurepanel.h"
#include "colorscheme.h"
#include "connectionform.h"
#include "cutoverpage.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "monitorpage.h"
#include "sampleservices.h"
#include "sourcepage.h"
#include "targetpage.h"

#include <QApplication>
#include <QCheckBox>
#include <QDeadlineTimer>
#include <QDir>
#include <QPalette>
#include <QPushButton>
#include <QStyleFactory>
#include <QTableWidget>

namespace pgferry::wizard {

namespace {

void settle()
{
    for (int i = 0; i < 5; ++i)
        QApplication::processEvents();
}

} // namespace

QStringList renderScreenshots(const QString &dir, QString *error, bool dark)
{
    QStringList written;
    if (!QDir().mkpath(dir)) {
        if (error)
            *error =
                QApplication::translate("pgferry::wizard::Screenshots", "The folder %1 cannot be created.")
                    .arg(dir);
        return written;
    }
    // Light or dark whatever the desktop's scheme, so the pictures do not depend on where they are made.
    QApplication::setPalette(dark ? ColorScheme::darkPalette() : ColorScheme::lightPalette());

    auto services = std::make_shared<SampleServices>();
    MainWindow window(services);
    window.resize(1180, 840); // the tallest page (Target, with the Azure box) fits
    MigrationWizard *w = window.wizard();
    const project::Project p = SampleServices::sampleProject();
    w->setProject(p);

    // The state after the user tested both connections and the assessment ran.
    ConnectionCheck src = services->testConnection(p.source.connInfo());
    w->setSourceCheck(src);
    auto *sourcePage = static_cast<SourcePage *>(w->pageAt(MigrationWizard::SourcePage));
    sourcePage->form()->setTestState(
        ConnectionForm::TestState::Ok,
        QApplication::translate("pgferry::wizard::SourcePage",
                                "Connected: PostgreSQL %1, %n database(s), wal_level %2.", nullptr,
                                int(src.inventory.databases.size()))
            .arg(src.inventory.versionText, src.inventory.walLevel));
    ConnectionCheck tgt = services->testConnection(p.target.connInfo());
    w->setTargetCheck(tgt);
    auto *targetPage = static_cast<TargetPage *>(w->pageAt(MigrationWizard::TargetPage));
    targetPage->form()->setTestState(
        ConnectionForm::TestState::Ok,
        QApplication::translate("pgferry::wizard::TargetPage", "Connected: PostgreSQL %1.")
            .arg(tgt.inventory.versionText));
    // Signed in to Azure the way a user does it, through the sample session's canned answers.
    if (auto *signIn = targetPage->azurePanel()->findChild<QPushButton *>(QStringLiteral("azureSignIn")))
        signIn->click();
    for (QDeadlineTimer deadline(5000); targetPage->azurePanel()->isBusy() && !deadline.hasExpired();)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    w->setAssessment(SampleServices::sampleAssessment());

    auto *monitor = static_cast<MonitorPage *>(w->pageAt(MigrationWizard::MonitorPage));
    const QStringList log{
        QStringLiteral("orders: snapshot 00000003-0000001B-1 exported, slot pgferry_orders at 2/1A3F0C8"),
        QStringLiteral("orders: pre-data restored (42 objects; 9 foreign keys and 3 triggers deferred)"),
        QStringLiteral("analytics: table public.page_views split into 6 ranges (38.2 GB)"),
        QStringLiteral("crm: full load complete, 22 tables, 3.0 GB in 6 min 40 s"),
        QStringLiteral("crm: streaming changes from 2/1C004A0"),
        QStringLiteral("inventory: copying table public.shipments failed: could not extend file (SQLSTATE "
                       "53100); will retry"),
        QStringLiteral("billing: full load complete, 9 tables, 6.0 GB in 8 min 20 s"),
    };
    for (const QString &l : log)
        monitor->appendLog(l);

    struct Shot
    {
        MigrationWizard::PageId id;
        std::function<void()> prepare;
    };
    const QList<Shot> shots{
        {MigrationWizard::ProjectPage, {}},
        {MigrationWizard::SourcePage, {}},
        {MigrationWizard::TargetPage, {}},
        {MigrationWizard::DatabasesPage,
         [w] {
             auto *t = w->findChild<QTableWidget *>(QStringLiteral("databaseTable"));
             if (t && t->rowCount() > 1)
                 t->selectRow(1);
         }},
        {MigrationWizard::SettingsPage, {}},
        {MigrationWizard::SummaryPage, {}},
        {MigrationWizard::MonitorPage,
         [w, monitor] {
             for (double t = 1200; t <= 1800; t += 4) {
                 engine::MigrationStatus s = SampleServices::sampleStatus(t);
                 // billing: a table created on the source without a key (crm's changes were carried).
                 engine::DatabaseStatus &billing = s.databases[2];
                 if (t >= 1500 && billing.phase == engine::DatabasePhase::Streaming) {
                     billing.schemaChanges << engine::SchemaChange{
                         QStringLiteral("public.refund_requests"),
                         QStringLiteral("table created without a key"),
                         QStringLiteral(
                             "CREATE TABLE public.refund_requests (invoice_id bigint, reason text)"),
                         QStringLiteral("unresolved"),
                         QStringLiteral("its updates and deletes cannot stream: add a primary key or replica "
                                        "identity and restart this "
                                        "database's migration, or exclude the table"),
                         QStringLiteral("2/1D0A5F10")};
                     billing.readyForCutover = false;
                     billing.notReadyReason = QStringLiteral(
                         "schema not in sync: public.refund_requests (table created without a key)");
                 }
                 w->showStatus(s);
                 monitor->applyPending();
             }
         }},
        {MigrationWizard::CutoverPage,
         [w] {
             auto *cut = static_cast<CutoverPage *>(w->pageAt(MigrationWizard::CutoverPage));
             engine::MigrationStatus s = SampleServices::sampleStatus(6000);
             s.errors.clear();
             w->showStatus(s);
             cut->confirmBox()->setChecked(true);
             s.state = engine::RunState::CuttingOver;
             qint64 pending = 5200;
             for (engine::DatabaseStatus &d : s.databases) {
                 d.phase = engine::DatabasePhase::Cutover;
                 d.pendingChanges = pending;
                 pending = pending / 4;
             }
             cut->setStatus(s);
             for (engine::DatabaseStatus &d : s.databases)
                 d.pendingChanges /= 3;
             cut->setStatus(s);
         }},
        {MigrationWizard::DonePage, [w] { w->showStatus(SampleServices::sampleCompletedStatus()); }},
    };
    window.show();
    settle();
    for (const Shot &shot : shots) {
        w->goToPage(shot.id);
        if (shot.prepare)
            shot.prepare();
        QDeadlineTimer deadline(5000);
        while (w->assessmentRunning() && !deadline.hasExpired())
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        settle();
        const QString file = QDir(dir).filePath(QStringLiteral("%1-%2.png")
                                                    .arg(int(shot.id) + 1, 2, 10, QLatin1Char('0'))
                                                    .arg(MigrationWizard::pageName(shot.id)));
        if (!window.grab().save(file)) {
            if (error)
                *error = QApplication::translate("pgferry::wizard::Screenshots", "%1 cannot be written.")
                             .arg(file);
            return written;
        }
        written << file;
    }
    window.hide();
    return written;
}

} // namespace pgferry::wizard
