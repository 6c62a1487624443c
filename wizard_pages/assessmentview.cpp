#include "assessmentview.h"

#include "fixscriptdialog.h"
#include "icons.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pgferry::wizard {

QString severityLabel(Severity s)
{
    switch (s) {
    case Severity::Pass:
        return AssessmentView::tr("Passed");
    case Severity::Info:
        return AssessmentView::tr("Info");
    case Severity::Warning:
        return AssessmentView::tr("Warning");
    case Severity::Blocker:
        return AssessmentView::tr("Blocker");
    }
    return {};
}

AssessmentView::AssessmentView(const QString &objectPrefix, QWidget *parent) : QWidget(parent)
{
    setObjectName(objectPrefix + QStringLiteral("Assessment"));
    m_summary = new QLabel(tr("The assessment runs after a successful connection test."));
    m_summary->setObjectName(objectPrefix + QStringLiteral("AssessmentSummary"));
    m_summary->setWordWrap(true);
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->setVisible(false);
    m_export = new QPushButton(tr("&Export report"));
    m_export->setObjectName(objectPrefix + QStringLiteral("ExportReport"));
    m_export->setAccessibleName(tr("Export the assessment report"));
    m_export->setToolTip(tr("Saves every finding with its remediation as an HTML page or as JSON."));
    auto *exportMenu = new QMenu(m_export);
    QAction *html =
        exportMenu->addAction(tr("As &HTML…"), this, [this] { exportReport(QStringLiteral("html")); });
    html->setObjectName(objectPrefix + QStringLiteral("ExportHtml"));
    QAction *json =
        exportMenu->addAction(tr("As &JSON…"), this, [this] { exportReport(QStringLiteral("json")); });
    json->setObjectName(objectPrefix + QStringLiteral("ExportJson"));
    m_export->setMenu(exportMenu);
    m_export->setEnabled(false);
    m_showFix = new QPushButton(tr("Show fix scr&ipt…"));
    m_showFix->setObjectName(objectPrefix + QStringLiteral("ShowFixScript"));
    m_showFix->setAccessibleName(tr("Show the fix script"));
    m_showFix->setToolTip(
        tr("SQL and settings that fix what can be fixed; read them, then copy or save them."));
    m_showFix->setEnabled(false);
    m_saveFix = new QPushButton(tr("S&ave fix script…"));
    m_saveFix->setObjectName(objectPrefix + QStringLiteral("SaveFixScript"));
    m_saveFix->setAccessibleName(tr("Save the fix script to a file"));
    m_saveFix->setEnabled(false);
    m_fileMessage = new QLabel;
    m_fileMessage->setObjectName(objectPrefix + QStringLiteral("AssessmentFileMessage"));
    m_fileMessage->setWordWrap(true);
    m_fileMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fileMessage->setVisible(false);

    m_list = new QTreeWidget;
    m_list->setObjectName(objectPrefix + QStringLiteral("AssessmentList"));
    m_list->setAccessibleName(tr("Assessment findings"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setHeaderLabels({tr("Severity"), tr("Finding"), tr("Database"), tr("Objects")});
    m_list->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    m_list->setColumnWidth(0, 110);
    m_list->setColumnWidth(2, 110);
    m_list->setColumnWidth(3, 170);
    m_list->setMinimumHeight(120);

    m_details = new QTextBrowser;
    m_details->setObjectName(objectPrefix + QStringLiteral("AssessmentDetails"));
    m_details->setAccessibleName(tr("Explanation and remediation"));
    m_details->setMaximumHeight(90);
    m_details->setOpenExternalLinks(true);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_busy);
    auto *files = new QHBoxLayout;
    files->addStretch(1);
    files->addWidget(m_export);
    files->addWidget(m_showFix);
    files->addWidget(m_saveFix);
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(top);
    v->addWidget(m_list, 1);
    v->addWidget(m_details);
    v->addLayout(files);
    v->addWidget(m_fileMessage); // a row of its own: a path is long, and must not squeeze the buttons

    connect(m_list, &QTreeWidget::currentItemChanged, this, &AssessmentView::showDetails);
    connect(m_showFix, &QPushButton::clicked, this, &AssessmentView::showFixScript);
    connect(m_saveFix, &QPushButton::clicked, this, &AssessmentView::saveFixScript);
}

void AssessmentView::setFileHooks(AskSavePath ask, SaveText save)
{
    m_ask = std::move(ask);
    m_save = std::move(save);
}

void AssessmentView::setFileMessage(const QString &message, bool failed)
{
    m_fileMessage->setText(message);
    m_fileMessage->setVisible(!message.isEmpty());
    // Only the text colour is set, so a failure's red follows a later switch between light and dark.
    QPalette pal;
    if (failed)
        pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
    m_fileMessage->setPalette(pal);
    if (m_fixDialog)
        m_fixDialog->setMessage(message);
}

bool AssessmentView::saveText(const QString &title, const QString &suggestedName, const QString &filter,
                              const QString &content, const QString &savedMessage)
{
    if (!m_ask || !m_save)
        return false;
    const QString path = m_ask(title, suggestedName, filter);
    if (path.isEmpty())
        return false;
    QString error;
    if (!m_save(path, content, &error)) {
        setFileMessage(error, true);
        return false;
    }
    setFileMessage(savedMessage.arg(QDir::toNativeSeparators(path)));
    return true;
}

bool AssessmentView::exportReport(const QString &format)
{
    if (!m_result.ran)
        return false;
    if (format == u"json")
        return saveText(tr("Export the assessment as JSON"), QStringLiteral("assessment.json"),
                        tr("JSON report (*.json)"), m_result.json,
                        tr("The assessment report is saved in %1."));
    return saveText(tr("Export the assessment as HTML"), QStringLiteral("assessment.html"),
                    tr("HTML report (*.html)"), m_result.html, tr("The assessment report is saved in %1."));
}

bool AssessmentView::saveFixScript()
{
    if (m_result.fixScript.isEmpty())
        return false;
    return saveText(tr("Save the fix script"), QStringLiteral("fix-script.sql"),
                    tr("SQL script (*.sql);;All files (*)"), m_result.fixScript,
                    tr("The fix script is saved in %1."));
}

FixScriptDialog *AssessmentView::showFixScript()
{
    if (m_result.fixScript.isEmpty())
        return nullptr;
    if (m_fixDialog)
        m_fixDialog->close(); // a new result may have come since it opened
    m_fixDialog = new FixScriptDialog(m_result.fixScript, this);
    m_fixDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_fixDialog, &FixScriptDialog::saveRequested, this, &AssessmentView::saveFixScript);
    m_fixDialog->open();
    return m_fixDialog;
}

void AssessmentView::setRunning(bool running)
{
    m_busy->setVisible(running);
    if (running)
        m_summary->setText(tr("Assessing…"));
}

void AssessmentView::setResult(const AssessmentResult &result)
{
    m_result = result;
    m_busy->setVisible(false);
    m_list->clear();
    m_details->clear();
    setFileMessage({});
    if (m_fixDialog)
        m_fixDialog->close(); // it shows the previous result's script
    m_showFix->setEnabled(!result.fixScript.isEmpty());
    m_saveFix->setEnabled(!result.fixScript.isEmpty());
    m_export->setEnabled(result.ran && !result.html.isEmpty());
    if (!result.ran) {
        m_summary->setText(result.error.isEmpty()
                               ? tr("The assessment runs after a successful connection test.")
                               : tr("The assessment could not run: %1").arg(result.error));
        return;
    }
    // Worst first, so blockers are what the eye meets.
    QList<AssessmentItem> items = result.items;
    std::stable_sort(items.begin(), items.end(), [](const AssessmentItem &a, const AssessmentItem &b) {
        return int(a.severity) > int(b.severity);
    });
    for (const AssessmentItem &i : items) {
        auto *item = new QTreeWidgetItem(m_list, {severityLabel(i.severity), i.message,
                                                  i.database.isEmpty() ? tr("all") : i.database,
                                                  i.objects.join(QStringLiteral(", "))});
        item->setIcon(0, severityIcon(i.severity));
        item->setToolTip(1, i.message);
        item->setToolTip(3, i.objects.join(QLatin1Char('\n')));
        item->setData(0, Qt::UserRole, i.id);
    }
    const int blockers = result.count(Severity::Blocker);
    const int warnings = result.count(Severity::Warning);
    const int passed = result.count(Severity::Pass);
    if (blockers > 0)
        m_summary->setText(
            tr("%n blocker(s) must be fixed before the migration can run.", nullptr, blockers) +
            QLatin1Char(' ') + tr("%n warning(s).", nullptr, warnings));
    else if (warnings > 0)
        m_summary->setText(tr("Ready to migrate, with %n warning(s) to review.", nullptr, warnings));
    else
        m_summary->setText(tr("Ready to migrate: all %n check(s) passed.", nullptr, passed));
    if (m_list->topLevelItemCount() > 0)
        m_list->setCurrentItem(m_list->topLevelItem(0));
}

void AssessmentView::showDetails()
{
    QTreeWidgetItem *cur = m_list->currentItem();
    if (!cur) {
        m_details->clear();
        return;
    }
    const QString id = cur->data(0, Qt::UserRole).toString();
    for (const AssessmentItem &i : m_result.items) {
        if (i.id != id || i.message != cur->text(1))
            continue;
        QString html = QStringLiteral("<p><b>%1</b></p>").arg(i.message.toHtmlEscaped());
        if (!i.objects.isEmpty())
            html += QStringLiteral("<p>%1 %2</p>")
                        .arg(tr("Objects:").toHtmlEscaped(),
                             i.objects.join(QStringLiteral(", ")).toHtmlEscaped());
        if (!i.remediation.isEmpty())
            html += QStringLiteral("<p><i>%1</i> %2</p>")
                        .arg(tr("What to do:").toHtmlEscaped(), i.remediation.toHtmlEscaped());
        m_details->setHtml(html);
        return;
    }
}

} // namespace pgferry::wizard
