// The assessment as a list: a severity icon, the finding, its database and objects; the selected
// finding's explanation and remediation below; a summary line and Copy fix script.
#pragma once

#include "wizardservices.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTextBrowser;
class QProgressBar;

namespace pgferry::wizard {

class AssessmentView : public QWidget
{
    Q_OBJECT
public:
    explicit AssessmentView(const QString &objectPrefix, QWidget *parent = nullptr);
    void setResult(const AssessmentResult &result);
    void setRunning(bool running);
    QTreeWidget *list() const { return m_list; }

private:
    void showDetails();
    AssessmentResult m_result;
    QLabel *m_summary;
    QProgressBar *m_busy;
    QTreeWidget *m_list;
    QTextBrowser *m_details;
    QPushButton *m_copyFix;
};

QString severityLabel(Severity s);

} // namespace pgferry::wizard
