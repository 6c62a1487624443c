#include "databasecard.h"

#include "format.h"
#include "icons.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>

namespace pgferry::wizard {

DatabaseCard::DatabaseCard(QWidget *parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setFixedWidth(250);
    m_title = new QLabel;
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    m_phase = new QLabel;
    QFont pf = m_phase->font();
    pf.setBold(true);
    m_phase->setFont(pf);
    m_progress = new QLabel;
    m_progress->setObjectName(QStringLiteral("cardProgress"));
    m_bar = new QProgressBar;
    m_bar->setTextVisible(false);
    m_bar->setMaximumHeight(8);
    m_pending = new QLabel;
    m_lag = new QLabel;
    m_eta = new QLabel;
    for (QLabel *l : {m_pending, m_lag})
        l->setForegroundRole(QPalette::PlaceholderText);
    auto *g = new QGridLayout(this);
    g->setContentsMargins(10, 8, 10, 8);
    g->setVerticalSpacing(3);
    g->addWidget(m_title, 0, 0);
    g->addWidget(m_eta, 0, 1);
    g->addWidget(m_phase, 1, 0, 1, 2);
    g->addWidget(m_progress, 2, 0, 1, 2);
    g->addWidget(m_bar, 3, 0, 1, 2);
    g->addWidget(m_pending, 4, 0, 1, 2);
    g->addWidget(m_lag, 5, 0, 1, 2);
    m_eta->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
}

QString DatabaseCard::progressText(const engine::DatabaseStatus &d)
{
    using engine::DatabasePhase;
    switch (d.phase) {
    case DatabasePhase::Pending:
    case DatabasePhase::Assess:
    case DatabasePhase::Prepare:
    case DatabasePhase::Schema:
        return Format::phase(d.phase);
    case DatabasePhase::FullLoad:
        return tr("Full load: %1 of %n table(s) loaded", nullptr, d.tablesTotal).arg(d.tablesDone);
    case DatabasePhase::Failed:
        return tr("Failed: %1 of %n table(s) loaded", nullptr, d.tablesTotal).arg(d.tablesDone);
    default:
        return tr("Full load completed %1 of %n table(s)", nullptr, d.tablesTotal).arg(d.tablesDone);
    }
}

QString DatabaseCard::progressText() const { return m_progress->text(); }

void DatabaseCard::setStatus(const engine::DatabaseStatus &d)
{
    setObjectName(QStringLiteral("databaseCard_") + d.name);
    const QString target = d.targetName.isEmpty() || d.targetName == d.name ? QString() : QStringLiteral(" → ") + d.targetName;
    m_title->setText(d.name + target);
    const bool failed = d.phase == engine::DatabasePhase::Failed || d.tablesFailed > 0;
    const bool ready = d.readyForCutover || d.phase == engine::DatabasePhase::Done;
    m_phase->setText(Format::phase(d.phase));
    QPalette pal = m_phase->palette();
    pal.setColor(QPalette::WindowText, failed  ? severityColor(Severity::Blocker)
                                       : ready ? severityColor(Severity::Pass)
                                               : severityColor(Severity::Info));
    m_phase->setPalette(pal);
    m_progress->setText(progressText(d) + (d.tablesFailed > 0 ? QStringLiteral(", ") + tr("%n failed", nullptr, d.tablesFailed) : QString()));
    m_bar->setRange(0, std::max(1, d.tablesTotal));
    m_bar->setValue(d.tablesDone);
    m_pending->setText(tr("Pending changes: %1").arg(Format::count(d.pendingChanges)));
    m_lag->setText(tr("Lag: %1 · %2").arg(Format::bytes(d.lagBytes), Format::duration(d.lagSeconds)));
    m_eta->setText(d.phase == engine::DatabasePhase::FullLoad ? tr("ETA %1").arg(Format::duration(d.etaSeconds))
                   : ready                                    ? tr("Ready")
                                                              : QString());
    setToolTip(d.notReadyReason);
}

} // namespace pgferry::wizard
