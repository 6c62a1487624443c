#include "assessmentview.h"

#include "icons.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pgferry::wizard {

QString severityLabel(Severity s)
{
    switch (s) {
    case Severity::Pass: return AssessmentView::tr("Passed");
    case Severity::Info: return AssessmentView::tr("Info");
    case Severity::Warning: return AssessmentView::tr("Warning");
    case Severity::Blocker: return AssessmentView::tr("Blocker");
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
    m_copyFix = new QPushButton(tr("Copy &fix script"));
    m_copyFix->setObjectName(objectPrefix + QStringLiteral("CopyFixScript"));
    m_copyFix->setAccessibleName(tr("Copy the fix script to the clipboard"));
    m_copyFix->setToolTip(tr("Copies SQL that fixes what SQL can fix; review it before running it on the server."));
    m_copyFix->setEnabled(false);

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
    top->addWidget(m_copyFix);
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(top);
    v->addWidget(m_list, 1);
    v->addWidget(m_details);

    connect(m_list, &QTreeWidget::currentItemChanged, this, &AssessmentView::showDetails);
    connect(m_copyFix, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_result.fixScript);
        m_summary->setText(m_summary->text() + QLatin1Char(' ') + tr("(fix script copied)"));
    });
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
    m_copyFix->setEnabled(!result.fixScript.isEmpty());
    if (!result.ran) {
        m_summary->setText(result.error.isEmpty() ? tr("The assessment runs after a successful connection test.")
                                                  : tr("The assessment could not run: %1").arg(result.error));
        return;
    }
    // Worst first, so blockers are what the eye meets.
    QList<AssessmentItem> items = result.items;
    std::stable_sort(items.begin(), items.end(), [](const AssessmentItem &a, const AssessmentItem &b) { return int(a.severity) > int(b.severity); });
    for (const AssessmentItem &i : items) {
        auto *item = new QTreeWidgetItem(m_list, {severityLabel(i.severity), i.message, i.database.isEmpty() ? tr("all") : i.database,
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
        m_summary->setText(tr("%n blocker(s) must be fixed before the migration can run.", nullptr, blockers) + QLatin1Char(' ')
                           + tr("%n warning(s).", nullptr, warnings));
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
            html += QStringLiteral("<p>%1 %2</p>").arg(tr("Objects:").toHtmlEscaped(), i.objects.join(QStringLiteral(", ")).toHtmlEscaped());
        if (!i.remediation.isEmpty())
            html += QStringLiteral("<p><i>%1</i> %2</p>").arg(tr("What to do:").toHtmlEscaped(), i.remediation.toHtmlEscaped());
        m_details->setHtml(html);
        return;
    }
}

} // namespace pgferry::wizard
