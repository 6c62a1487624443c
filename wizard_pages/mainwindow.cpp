#include "mainwindow.h"

#include "engine/attachedengine.h"

#include "colorscheme.h"
#include "icons.h"
#include "migrationwizard.h"
#include "shortcutsdialog.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QStatusBar>

namespace pgferry::wizard {

namespace {

// The platform's keys for an action, or `fallback` where it has none (Save As and Quit on some).
QList<QKeySequence> standardOr(QKeySequence::StandardKey key, const QKeySequence &fallback)
{
    const QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    return keys.isEmpty() ? QList<QKeySequence>{fallback} : keys;
}

} // namespace

MainWindow::MainWindow(ServicesPtr services, QWidget *parent)
    : QMainWindow(parent), m_services(std::move(services))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(appIcon());
    m_wizard = new MigrationWizard(m_services);
    m_wizard->setWindowFlags(Qt::Widget);
    setCentralWidget(m_wizard);

    m_ask = [this](const QString &title, const QString &text, QMessageBox::StandardButtons buttons) {
        return QMessageBox::question(this, title, text, buttons);
    };
    m_askPath = [this](bool forSave) {
        const QString filter = tr("pgferry projects (*.pgferry);;All files (*)");
        if (forSave) {
            const QString name =
                m_wizard->project().name.isEmpty() ? tr("migration") : m_wizard->project().name;
            return QFileDialog::getSaveFileName(this, tr("Save project"),
                                                m_path.isEmpty() ? name + QStringLiteral(".pgferry") : m_path,
                                                filter);
        }
        return QFileDialog::getOpenFileName(this, tr("Open project"), QFileInfo(m_path).absolutePath(),
                                            filter);
    };

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    QAction *newAct = file->addAction(tr("&New"), this, &MainWindow::newProject);
    newAct->setShortcut(QKeySequence::New);
    newAct->setObjectName(QStringLiteral("actionNew"));
    QAction *openAct = file->addAction(tr("&Open…"), this, [this] {
        const QString p = m_askPath(false);
        if (!p.isEmpty())
            openProject(p);
    });
    openAct->setShortcut(QKeySequence::Open);
    openAct->setObjectName(QStringLiteral("actionOpen"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    QAction *saveAct = file->addAction(tr("&Save"), this, &MainWindow::save);
    saveAct->setShortcut(QKeySequence::Save);
    saveAct->setObjectName(QStringLiteral("actionSave"));
    QAction *saveAsAct = file->addAction(tr("Save &As…"), this, [this] { saveAs(); });
    saveAsAct->setShortcuts(standardOr(QKeySequence::SaveAs, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)));
    saveAsAct->setObjectName(QStringLiteral("actionSaveAs"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcuts(standardOr(QKeySequence::Quit, QKeySequence(Qt::CTRL | Qt::Key_Q)));
    quit->setObjectName(QStringLiteral("actionQuit"));

    m_scheme = new ColorScheme(this);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    QMenu *colours = view->addMenu(tr("&Colours"));
    colours->setObjectName(QStringLiteral("coloursMenu"));
    auto *schemes = new QActionGroup(this);
    const std::tuple<ColorScheme::Choice, QString, const char *> choices[] = {
        {ColorScheme::Choice::System, tr("Follow the &system"), "actionSchemeSystem"},
        {ColorScheme::Choice::Light, tr("&Light"), "actionSchemeLight"},
        {ColorScheme::Choice::Dark, tr("&Dark"), "actionSchemeDark"}};
    for (const auto &[choice, text, name] : choices) {
        QAction *a = colours->addAction(text, this, [this, c = choice] { m_scheme->setChoice(c); });
        a->setCheckable(true);
        a->setData(int(choice));
        a->setObjectName(QLatin1String(name));
        schemes->addAction(a);
    }
    auto checkChoice = [schemes](ColorScheme::Choice c) {
        for (QAction *a : schemes->actions())
            a->setChecked(a->data().toInt() == int(c));
    };
    checkChoice(m_scheme->choice());
    connect(m_scheme, &ColorScheme::changed, this, checkChoice);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    QAction *keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence::HelpContents);
    keys->setObjectName(QStringLiteral("actionShortcuts"));
    help->addAction(tr("&About pgferry"), this, [this] {
        QMessageBox::about(this, tr("About pgferry"),
                           tr("<b>pgferry %1</b><br>Online PostgreSQL migration to Azure Database for "
                              "PostgreSQL or any newer PostgreSQL.")
                               .arg(QStringLiteral(PGFERRY_VERSION)));
    });

    connect(m_wizard, &MigrationWizard::edited, this, [this] { setDirty(true); });
    connect(m_wizard, &MigrationWizard::newProjectRequested, this, &MainWindow::newProject);
    connect(m_wizard, &MigrationWizard::openProjectRequested, this, [this](const QString &path) {
        const QString p = path.isEmpty() ? m_askPath(false) : path;
        if (!p.isEmpty())
            openProject(p);
    });
    connect(m_wizard, &MigrationWizard::closeRequested, this, &QWidget::close);
    connect(m_wizard, &MigrationWizard::runStarted, this,
            [this] { statusBar()->showMessage(tr("Migration running")); });
    connect(m_wizard, &MigrationWizard::runFinished, this, [this](bool ok) {
        statusBar()->showMessage(ok ? tr("Migration finished") : tr("Migration stopped"));
        if (m_closeAfterStop)
            close();
    });
    resize(1180, 800);
    updateTitle();
}

ShortcutsDialog *MainWindow::showShortcuts()
{
    if (auto *open = findChild<ShortcutsDialog *>(); open && open->isVisible()) {
        open->raise();
        return open;
    }
    ShortcutsDialog::Entries entries;
    // The menus' own shortcuts, read from their actions so the list cannot drift from them.
    for (const char *name :
         {"actionNew", "actionOpen", "actionSave", "actionSaveAs", "actionQuit", "actionShortcuts"})
        if (auto *a = findChild<QAction *>(QLatin1String(name)); a && !a->shortcut().isEmpty())
            entries.append(
                {a->shortcut().toString(QKeySequence::NativeText), a->text().remove(u'&').remove(u'…')});
    auto key = [](QKeyCombination k) { return QKeySequence(k).toString(QKeySequence::NativeText); };
    entries.append({key(Qt::ALT | Qt::Key_N) + tr(" or Enter"), tr("Next page (when the page is complete)")});
    entries.append({key(Qt::ALT | Qt::Key_B), tr("Previous page")});
    entries.append({key(Qt::ALT | Qt::Key_R), tr("Run the migration (on the Summary page)")});
    entries.append({tr("Alt+underlined letter"), tr("Go to that field, or press that button")});
    entries.append({tr("Tab, Shift+Tab"), tr("Next or previous field")});
    entries.append({tr("Space"), tr("Press the focused button, tick the focused box")});
    entries.append({tr("Arrow keys"), tr("Choose among options; move in lists and tables")});
    entries.append(
        {key(Qt::ALT | Qt::Key_F) + u'/' + key(Qt::ALT | Qt::Key_V) + u'/' + key(Qt::ALT | Qt::Key_H),
         tr("Open the File, View or Help menu")});
    entries.append({tr("Esc"), tr("Close a dialog")});
    auto *dialog = new ShortcutsDialog(entries, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::setDirty(bool dirty)
{
    setWindowModified(dirty);
    updateTitle();
}

void MainWindow::updateTitle()
{
    const QString name = m_wizard->project().name;
    const QString doc = !name.isEmpty()     ? name
                        : !m_path.isEmpty() ? QFileInfo(m_path).completeBaseName()
                                            : tr("New project");
    setWindowTitle(tr("%1[*] — pgferry").arg(doc));
}

void MainWindow::showError(const QString &text)
{
    m_lastError = text;
    statusBar()->showMessage(text, 15000);
    m_ask(tr("pgferry"), text, QMessageBox::Ok);
}

bool MainWindow::maybeSave()
{
    if (!isDirty())
        return true;
    const auto answer = m_ask(tr("Unsaved changes"), tr("The project has unsaved changes. Save them?"),
                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::newProject()
{
    if (m_wizard->isRunning() && !m_wizard->attachedRun()) {
        showError(tr("A migration is running. Stop it on the dashboard before starting a new project."));
        return;
    }
    if (!maybeSave())
        return;
    m_wizard->detachRun();
    m_path.clear();
    m_wizard->setProject(project::Project{});
    setDirty(false);
}

bool MainWindow::openProject(const QString &path)
{
    if (m_wizard->isRunning() && !m_wizard->attachedRun()) {
        showError(tr("A migration is running. Stop it on the dashboard before opening another project."));
        return false;
    }
    if (!maybeSave())
        return false;
    QString error;
    auto p = m_services->loadProject(path, &error);
    if (!p) {
        showError(tr("The project could not be opened. %1").arg(error));
        return false;
    }
    m_wizard->detachRun(); // a run in progress elsewhere goes on without this window
    m_path = QFileInfo(path).absoluteFilePath();
    m_wizard->setProject(*p);
    m_services->addRecentFile(m_path);
    setDirty(false);
    // A project whose migration is under way opens on its dashboard.
    if (m_wizard->attachToRun() && m_wizard->attachedRun())
        statusBar()->showMessage(
            tr("Attached to this project's run in progress (process %1 on %2); showing its dashboard.")
                .arg(m_wizard->attachedRun()->pid())
                .arg(m_wizard->attachedRun()->host()),
            10000);
    else if (m_wizard->currentId() >= MigrationWizard::MonitorPage)
        statusBar()->showMessage(tr("This project's migration is under way; showing its dashboard."), 10000);
    else
        statusBar()->showMessage(tr("Opened %1").arg(m_path), 5000);
    return true;
}

bool MainWindow::save()
{
    if (m_path.isEmpty())
        return saveAs();
    QString error;
    if (!m_services->saveProject(m_wizard->project(), m_path, &error)) {
        showError(tr("The project could not be saved. %1").arg(error));
        return false;
    }
    m_services->addRecentFile(m_path);
    setDirty(false);
    statusBar()->showMessage(tr("Saved %1").arg(m_path), 5000);
    return true;
}

bool MainWindow::saveAs(const QString &path)
{
    QString p = path.isEmpty() ? m_askPath(true) : path;
    if (p.isEmpty())
        return false;
    if (QFileInfo(p).suffix().isEmpty())
        p += QStringLiteral(".pgferry");
    const QString old = m_path;
    m_path = QFileInfo(p).absoluteFilePath();
    if (!save()) {
        m_path = old;
        return false;
    }
    return true;
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = m_services->recentFiles();
    for (const QString &f : files)
        m_recentMenu->addAction(QFileInfo(f).fileName() + QStringLiteral("  (") +
                                    QFileInfo(f).absolutePath() + u')',
                                this, [this, f] { openProject(f); });
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent projects"))->setEnabled(false);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // A run started elsewhere is only watched here: it goes on when the window closes.
    if (m_wizard->isRunning() && !m_wizard->attachedRun()) {
        const auto answer = m_ask(tr("Migration running"),
                                  tr("A migration is running. Stop it and close? The run stops cleanly and "
                                     "resumes when you open the project again."),
                                  QMessageBox::Yes | QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        if (!maybeSave()) {
            event->ignore();
            return;
        }
        m_closeAfterStop = true;
        setDirty(false);
        statusBar()->showMessage(tr("Stopping the migration…"));
        m_wizard->stopRun();
        event->ignore(); // closes when the engine reports that it stopped
        return;
    }
    if (!m_closeAfterStop && !maybeSave()) {
        event->ignore();
        return;
    }
    event->accept();
}

} // namespace pgferry::wizard
