// The assessment as a list: a severity icon, the finding, its database and objects; the selected
// finding's explanation and remediation below; a summary line; the report exported as HTML or
// JSON (core renders both), and the fix script shown read-only, copied or saved.
#pragma once

#include "wizardservices.h"

#include <QPointer>
#include <QWidget>
#include <functional>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTextBrowser;
class QProgressBar;

namespace pgferry::wizard {

class FixScriptDialog;

class AssessmentView : public QWidget
{
    Q_OBJECT
public:
    explicit AssessmentView(const QString &objectPrefix, QWidget *parent = nullptr);
    void setResult(const AssessmentResult &result);
    void setRunning(bool running);
    QTreeWidget *list() const { return m_list; }

    // How the view asks where to save (a save dialog; empty when cancelled) and writes a file;
    // the page sets them from the wizard's hook and services.
    using AskSavePath =
        std::function<QString(const QString &title, const QString &suggestedName, const QString &filter)>;
    using SaveText = std::function<bool(const QString &path, const QString &content, QString *error)>;
    void setFileHooks(AskSavePath ask, SaveText save);

    // Asks for a file and writes the report ("html" or "json") or the fix script to it; false when
    // cancelled or not written (the message under the list says why).
    bool exportReport(const QString &format);
    bool saveFixScript();
    // Shows the fix script read-only, with Copy and Save.
    FixScriptDialog *showFixScript();

private:
    void showDetails();
    bool saveText(const QString &title, const QString &suggestedName, const QString &filter,
                  const QString &content, const QString &savedMessage);
    void setFileMessage(const QString &message, bool failed = false);
    AssessmentResult m_result;
    QLabel *m_summary;
    QProgressBar *m_busy;
    QTreeWidget *m_list;
    QTextBrowser *m_details;
    QLabel *m_fileMessage;
    QPushButton *m_export;
    QPushButton *m_showFix;
    QPushButton *m_saveFix;
    QPointer<FixScriptDialog> m_fixDialog;
    AskSavePath m_ask;
    SaveText m_save;
};

QString severityLabel(Severity s);

} // namespace pgferry::wizard
