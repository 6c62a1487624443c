// The application window: the wizard with a File menu (New, Open, Save, Save As, Recent), a View
// menu (colours: system, light or dark), the
// dirty marker in the title, a question before closing during a run (the run stops cleanly and
// resumes when the project is opened again), and reopening straight into a run's dashboard.
#pragma once

#include "wizardservices.h"

#include <QMainWindow>
#include <QMessageBox>
#include <functional>

class QMenu;

namespace pgferry::wizard {

class ColorScheme;
class MigrationWizard;
class ShortcutsDialog;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ServicesPtr services, QWidget *parent = nullptr);
    MigrationWizard *wizard() const { return m_wizard; }
    // Light or dark (View > Colours); the window does not apply it on its own: main does.
    ColorScheme *colorScheme() const { return m_scheme; }
    QString filePath() const { return m_path; }
    bool isDirty() const { return isWindowModified(); }

    void newProject();
    bool openProject(const QString &path);
    bool save();
    bool saveAs(const QString &path = {});
    QString lastError() const { return m_lastError; }
    // Help > Keyboard shortcuts (F1).
    ShortcutsDialog *showShortcuts();

    // How the window asks the user; tests replace it to answer without a modal dialog.
    using Ask = std::function<QMessageBox::StandardButton(const QString &title, const QString &text,
                                                          QMessageBox::StandardButtons buttons)>;
    void setAsk(Ask ask) { m_ask = std::move(ask); }
    using AskPath = std::function<QString(bool save)>;
    void setAskPath(AskPath ask) { m_askPath = std::move(ask); }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    bool maybeSave();
    void setDirty(bool dirty);
    void updateTitle();
    void fillRecentMenu();
    void showError(const QString &text);

    ServicesPtr m_services;
    MigrationWizard *m_wizard;
    QMenu *m_recentMenu;
    ColorScheme *m_scheme;
    QString m_path;
    QString m_lastError;
    bool m_closeAfterStop = false;
    Ask m_ask;
    AskPath m_askPath;
};

} // namespace pgferry::wizard
