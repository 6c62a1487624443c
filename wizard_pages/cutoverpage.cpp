#include "cutoverpage.h"

#include "format.h"
#include "migrationwizard.h"
#include "monitorpage.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace pgferry::wizard {

using engine::DatabasePhase;
using engine::RunState;

CutoverPage::CutoverPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Cutover"));
    setSubTitle(tr("Switch to the target: writes stop on the source, the last changes arrive, and the target "
                   "gets sequences, foreign keys and triggers."));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("&Next >"));
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("cutoverSteps"));
    m_list->setAccessibleName(tr("Cutover steps"));
    m_list->setIconSize(QSize(20, 20));
    m_list->setSpacing(4);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    for (int i = 0; i < StepCount; ++i)
        m_list->addItem(QString());
    m_confirm = new QCheckBox(tr("I confirm: applications will connect to the target after the cutover, and "
                                 "writes to the source stop now."));
    m_confirm->setObjectName(QStringLiteral("confirmCutover"));
    m_confirm->setAccessibleName(tr("Confirm the cutover"));
    m_fallback = new QCheckBox(
        tr("Keep the old server as a live fallbac&k: the new server's writes stream back into it, "
           "so that you can fail back without losing a write"));
    m_fallback->setObjectName(QStringLiteral("cutoverFallback"));
    m_fallback->setAccessibleName(tr("Keep the old server as a live fallback"));
    m_apply = new QPushButton(tr("&Apply"));
    m_apply->setObjectName(QStringLiteral("applyCutover"));
    m_apply->setAccessibleName(tr("Apply the cutover"));
    m_apply->setEnabled(false);
    m_drain = new QProgressBar;
    m_drain->setObjectName(QStringLiteral("drainProgress"));
    m_drain->setAccessibleName(tr("Pending changes drained"));
    m_drain->setVisible(false);
    m_result = new QLabel;
    m_result->setObjectName(QStringLiteral("cutoverResult"));
    m_result->setWordWrap(true);
    QFont f = m_result->font();
    f.setBold(true);
    m_result->setFont(f);

    auto *confirmRow = new QHBoxLayout;
    confirmRow->addWidget(m_confirm, 1);
    confirmRow->addWidget(m_apply);
    auto *v = new QVBoxLayout(this);
    m_list->setFixedHeight(StepCount * 34 + 8);
    v->addWidget(m_list);
    v->addWidget(m_drain);
    v->addWidget(m_result);
    v->addWidget(m_fallback);
    v->addLayout(confirmRow);
    v->addStretch();

    connect(m_confirm, &QCheckBox::toggled, this, &CutoverPage::updateApply);
    connect(m_apply, &QPushButton::clicked, this, &CutoverPage::apply);
    connect(wizard, &MigrationWizard::statusChanged, this, &CutoverPage::setStatus);
}

void CutoverPage::loadFrom(const project::Project &p)
{
    m_applied = false;
    m_drainStart = -1;
    m_readOnly = p.settings.cutover.makeSourceReadOnly;
    m_verify = p.settings.verify;
    m_confirm->setChecked(false);
    m_result->clear();
    loadFallback(p);
    setStatus({});
}

void CutoverPage::initializePage()
{
    const project::Project p = mw()->project();
    m_readOnly = p.settings.cutover.makeSourceReadOnly;
    m_verify = p.settings.verify;
    if (!m_applied)
        loadFallback(p);
    setStatus(mw()->status());
}

void CutoverPage::loadFallback(const project::Project &p)
{
    m_fallbackAllowed = p.mode == project::Mode::Online && p.engine == project::Engine::Local &&
                        p.settings.cutover.makeSourceReadOnly;
    m_fallback->setChecked(m_fallbackAllowed && p.settings.cutover.fallback);
    m_fallback->setToolTip(
        m_fallbackAllowed ? tr("Creates a slot and publication on the new server at the cutover; fail back "
                               "or end the fallback on the "
                               "next page. The new server needs wal_level = logical, a free slot and the "
                               "REPLICATION right: "
                               "the cutover checks them before it touches the old server.")
        : p.engine != project::Engine::Local
            ? tr("Azure's managed migration service has no fallback after cutover.")
        : p.mode != project::Mode::Online
            ? tr("An offline migration has no stream to turn around.")
            : tr("The fallback needs the source made read-only at cutover (settings page)."));
}

QList<StepState> CutoverPage::steps(const engine::MigrationStatus &s, bool applied)
{
    QList<StepState> out(StepCount, StepState::Pending);
    if (s.state == RunState::Completed || s.state == RunState::Fallback || s.state == RunState::FailingBack) {
        out.fill(StepState::Done);
        return out;
    }
    const bool cutting = s.state == RunState::CuttingOver || (applied && s.state == RunState::Failed);
    if (!cutting)
        return out;
    // The least advanced database decides where the cutover as a whole is.
    int at = Cleanup;
    for (const engine::DatabaseStatus &d : s.databases) {
        int step = Cleanup;
        if (d.phase == DatabasePhase::Streaming ||
            (d.phase == DatabasePhase::Cutover && d.pendingChanges > 0))
            step = Drain;
        else if (d.phase == DatabasePhase::Cutover)
            step = Sequences;
        else if (d.phase == DatabasePhase::Verify)
            step = Verify;
        else if (d.phase == DatabasePhase::Failed)
            step = Drain;
        at = std::min(at, step);
    }
    for (int i = 0; i < at; ++i)
        out[i] = StepState::Done;
    out[at] = s.state == RunState::Failed ? StepState::Failed : StepState::Running;
    if (at == Sequences && s.state != RunState::Failed)
        out[ForeignKeys] = StepState::Running; // the engine does both in one transaction
    return out;
}

void CutoverPage::setStatus(const engine::MigrationStatus &s)
{
    const bool wasComplete = isComplete();
    m_status = s;
    const QStringList labels{m_readOnly ? tr("Stop writes: make the source databases read-only")
                                        : tr("Stop writes: applications stop writing to the source"),
                             tr("Wait until pending changes reach zero"),
                             tr("Set every sequence to the source's value"),
                             tr("Create the deferred foreign keys and triggers"),
                             m_verify ? tr("Verify row counts and checksums of every table")
                                      : tr("Verification (turned off in the settings)"),
                             tr("Clean up: drop the replication slot, publication and origin")};
    const QList<StepState> st = steps(s, m_applied);
    qint64 pending = 0;
    for (const auto &d : s.databases)
        pending += d.pendingChanges;
    for (int i = 0; i < StepCount; ++i) {
        QListWidgetItem *item = m_list->item(i);
        QString text = labels[i];
        if (i == Drain && st[i] == StepState::Running)
            text += QStringLiteral(" — ") + tr("%1 pending").arg(Format::count(pending));
        item->setText(text);
        item->setIcon(stepIcon(st[i]));
        QFont f = item->font();
        f.setBold(st[i] == StepState::Running);
        item->setFont(f);
    }
    // Progress while draining: how much of the backlog at Apply has arrived.
    const bool draining = st[Drain] == StepState::Running;
    if (draining && m_drainStart < 0)
        m_drainStart = std::max<qint64>(1, pending);
    m_drain->setVisible(draining);
    if (draining) {
        m_drain->setRange(0, int(std::min<qint64>(m_drainStart, INT_MAX)));
        m_drain->setValue(int(std::clamp<qint64>(m_drainStart - pending, 0, m_drainStart)));
        m_drain->setFormat(
            tr("%1 pending change(s) left", nullptr, Format::plural(pending)).arg(Format::count(pending)));
    }
    QPalette pal = m_result->palette();
    if (s.state == RunState::Completed) {
        m_result->setText(tr("Cutover complete. The target is ready: point your applications to it."));
        pal.setColor(QPalette::WindowText, severityColor(Severity::Pass));
    } else if (s.state == RunState::Fallback || s.state == RunState::FailingBack) {
        m_result->setText(
            tr("Cutover complete. The target is ready: point your applications to it. Its writes stream back "
               "into the old server, which stays a live fallback (see the next page)."));
        pal.setColor(QPalette::WindowText, severityColor(Severity::Pass));
    } else if (m_applied && s.state == RunState::Failed) {
        m_result->setText(
            tr("The cutover failed: %1").arg(s.errors.isEmpty() ? tr("see the log") : s.errors.last()));
        pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
    } else if (s.state == RunState::CuttingOver) {
        m_result->setText(tr("Cutting over…"));
        pal.setColor(QPalette::WindowText, palette().color(QPalette::WindowText));
    }
    m_result->setPalette(pal);
    updateApply();
    if (wasComplete != isComplete())
        Q_EMIT completeChanged();
}

void CutoverPage::updateApply()
{
    const bool ready = m_status.readyForCutover();
    m_apply->setEnabled(!m_applied && ready && m_confirm->isChecked());
    m_confirm->setEnabled(!m_applied);
    // Chosen before the cutover starts (a wizard reopened on a cutover under way cannot change it).
    m_fallback->setEnabled(!m_applied && m_fallbackAllowed && m_status.state != RunState::CuttingOver &&
                           !isComplete());
    m_apply->setToolTip(m_applied                 ? tr("The cutover was applied.")
                        : !ready                  ? tr("The run is not ready for cutover; see the dashboard.")
                        : !m_confirm->isChecked() ? tr("Tick the confirmation first.")
                                                  : tr("Starts the cutover now."));
}

void CutoverPage::apply()
{
    QString why;
    engine::MigrationEngine::CutoverOptions options;
    if (m_fallbackAllowed)
        options.fallback = m_fallback->isChecked();
    // A run attached to in another process answers within seconds, while the window keeps working:
    // no second request meanwhile.
    m_apply->setEnabled(false);
    if (!mw()->requestCutover(&why, options)) {
        m_result->setText(tr("The cutover could not start: %1").arg(why));
        QPalette pal = m_result->palette();
        pal.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
        m_result->setPalette(pal);
        updateApply();
        return;
    }
    m_applied = true;
    m_result->setText(tr("Cutting over…"));
    updateApply();
}

bool CutoverPage::isComplete() const
{
    return m_status.state == RunState::Completed || m_status.state == RunState::Fallback ||
           m_status.state == RunState::FailingBack;
}

} // namespace pgferry::wizard
