#include "databasecard.h"

#include "format.h"
#include "icons.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include <algorithm>

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
    m_title->setObjectName(QStringLiteral("cardTitle"));
    // The card is narrow: a long name is elided (elideTitle), never widens it.
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_title->installEventFilter(this);
    m_phase = new QLabel;
    m_phase->setObjectName(QStringLiteral("cardPhase"));
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
    m_capture = new QLabel;
    m_capture->setObjectName(QStringLiteral("cardSchemaCapture"));
    m_capture->setVisible(false);
    for (QLabel *l : {m_pending, m_lag, m_capture})
        l->setForegroundRole(QPalette::PlaceholderText);
    m_schemaBadge = new QToolButton;
    m_schemaBadge->setObjectName(QStringLiteral("cardSchemaChanges"));
    m_schemaBadge->setAutoRaise(true);
    m_schemaBadge->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_schemaBadge->setIconSize(QSize(14, 14));
    m_schemaBadge->setCursor(Qt::PointingHandCursor);
    m_schemaBadge->setVisible(false);
    connect(m_schemaBadge, &QToolButton::clicked, this,
            [this] { Q_EMIT schemaChangesRequested(m_database); });
    m_cutover = new QToolButton;
    m_cutover->setObjectName(QStringLiteral("cardCutover"));
    m_cutover->setText(tr("Cut over…"));
    m_cutover->setVisible(false);
    connect(m_cutover, &QToolButton::clicked, this, [this] { Q_EMIT cutoverRequested(m_database); });
    auto *g = new QGridLayout(this);
    g->setContentsMargins(10, 8, 10, 8);
    g->setVerticalSpacing(3);
    g->addWidget(m_title, 0, 0);
    g->addWidget(m_eta, 0, 1);
    g->setColumnStretch(0, 1); // the title takes what the ETA leaves
    g->addWidget(m_phase, 1, 0, 1, 2);
    g->addWidget(m_progress, 2, 0, 1, 2);
    g->addWidget(m_bar, 3, 0, 1, 2);
    g->addWidget(m_pending, 4, 0, 1, 2);
    g->addWidget(m_lag, 5, 0, 1, 2);
    g->addWidget(m_capture, 6, 0, 1, 2);
    g->addWidget(m_schemaBadge, 7, 0, 1, 2, Qt::AlignLeft);
    g->addWidget(m_cutover, 8, 0, 1, 2, Qt::AlignLeft);
    g->setRowStretch(9,
                     1); // a card taller than its lines (a neighbour has more) keeps them together at the top
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

QString DatabaseCard::progressText() const
{
    return m_progress->text();
}

QString DatabaseCard::captureText(const QString &ddlCapture)
{
    if (ddlCapture.isEmpty())
        return {};
    if (ddlCapture == u"event trigger")
        return tr("Schema: carried (event trigger)");
    if (ddlCapture == u"watch only")
        return tr("Schema: watched only");
    return tr("Schema: %1").arg(ddlCapture);
}

QString DatabaseCard::schemaBadgeText(const engine::DatabaseStatus &d)
{
    if (d.schemaChanges.isEmpty())
        return {};
    const auto unresolved = std::count_if(d.schemaChanges.cbegin(), d.schemaChanges.cend(),
                                          [](const auto &c) { return c.unresolved(); });
    if (unresolved > 0)
        return tr("%n unresolved schema change(s)", nullptr, int(unresolved));
    return tr("%n schema change(s)", nullptr, int(d.schemaChanges.size()));
}

QString DatabaseCard::schemaStateText(const QString &state)
{
    if (state == u"applied")
        return tr("applied");
    if (state == u"deferred")
        return tr("deferred to cutover");
    if (state == u"ignored")
        return tr("ignored");
    if (state == u"unresolved")
        return tr("unresolved");
    if (state == u"copying")
        return tr("copying");
    if (state == u"resolved")
        return tr("resolved");
    return state;
}

QString DatabaseCard::schemaChangesToolTip(const engine::DatabaseStatus &d)
{
    if (d.schemaChanges.isEmpty())
        return {};
    // Unresolved ones first (they hold the cutover), then the rest, oldest first.
    QList<const engine::SchemaChange *> order;
    for (const engine::SchemaChange &c : d.schemaChanges)
        if (c.unresolved())
            order << &c;
    const qsizetype unresolved = order.size();
    for (const engine::SchemaChange &c : d.schemaChanges)
        if (!c.unresolved())
            order << &c;
    constexpr qsizetype shown = 12;
    QString html = QStringLiteral("<p><b>%1</b></p>")
                       .arg(tr("%n schema change(s) seen on the source", nullptr, int(d.schemaChanges.size()))
                                .toHtmlEscaped());
    if (unresolved > 0)
        html += QStringLiteral("<p>%1</p>")
                    .arg(tr("%n unresolved change(s) hold the cutover.", nullptr, int(unresolved))
                             .toHtmlEscaped());
    const QString problem = severityColor(Severity::Blocker).name();
    for (qsizetype i = 0; i < std::min(shown, order.size()); ++i) {
        const engine::SchemaChange &c = *order[i];
        QString state = schemaStateText(c.state).toHtmlEscaped();
        if (c.unresolved())
            state = QStringLiteral("<b style='color:%1'>%2</b>").arg(problem, state);
        html += QStringLiteral("<p style='margin-top:4px'><b>%1</b>: %2 · %3")
                    .arg(c.object.toHtmlEscaped(), c.kind.toHtmlEscaped(), state);
        if (c.unresolved() && !c.detail.isEmpty())
            html += QStringLiteral("<br>") + c.detail.toHtmlEscaped();
        html += QStringLiteral("</p>");
    }
    if (order.size() > shown)
        html += QStringLiteral("<p>%1</p>")
                    .arg(tr("… and %n more.", nullptr, int(order.size() - shown)).toHtmlEscaped());
    html +=
        QStringLiteral("<p><i>%1</i></p>").arg(tr("Click for the list with each statement.").toHtmlEscaped());
    return html;
}

QString DatabaseCard::readinessCheckName(const QString &check)
{
    if (check == u"stream")
        return tr("Stream");
    if (check == u"lag")
        return tr("Lag");
    if (check == u"schema")
        return tr("Schema in sync");
    if (check == u"sequences")
        return tr("Sequences readable");
    if (check == u"sessions")
        return tr("Open sessions");
    if (check == u"sample")
        return tr("Sampled rows");
    return check;
}

QString DatabaseCard::readinessToolTip(const engine::DatabaseStatus &d)
{
    using State = engine::ReadinessCheck::State;
    QString html =
        QStringLiteral("<p><b>%1</b></p>")
            .arg((d.readyForCutover ? tr("Ready for cutover") : tr("Not ready for cutover")).toHtmlEscaped());
    if (d.changesPerSecond > 0)
        html += QStringLiteral("<p>%1</p>")
                    .arg(tr("Applying %1 changes/s")
                             .arg(Format::count(qint64(d.changesPerSecond)))
                             .toHtmlEscaped());
    for (const engine::ReadinessCheck &c : d.readiness) {
        const Severity severity = c.state == State::Blocking ? Severity::Blocker
                                  : c.state == State::Ok     ? Severity::Pass
                                  : c.state == State::Info   ? Severity::Info
                                                             : Severity::Warning;
        html += QStringLiteral("<p style='margin-top:4px'><b style='color:%1'>%2</b>: %3")
                    .arg(severityColor(severity).name(), readinessCheckName(c.check).toHtmlEscaped(),
                         c.summary.toHtmlEscaped());
        constexpr qsizetype shown = 5;
        for (qsizetype i = 0; i < std::min(shown, c.details.size()); ++i)
            html += QStringLiteral("<br>&nbsp;&nbsp;") + c.details[i].toHtmlEscaped();
        if (c.details.size() > shown)
            html += QStringLiteral("<br>&nbsp;&nbsp;") +
                    tr("… and %n more.", nullptr, int(c.details.size() - shown)).toHtmlEscaped();
        html += QStringLiteral("</p>");
    }
    return html;
}

void DatabaseCard::setStatus(const engine::DatabaseStatus &d)
{
    setObjectName(QStringLiteral("databaseCard_") + d.name);
    const QString target =
        d.targetName.isEmpty() || d.targetName == d.name ? QString() : QStringLiteral(" → ") + d.targetName;
    m_titleText = d.name + target;
    const bool failed = d.phase == engine::DatabasePhase::Failed || d.tablesFailed > 0;
    const bool ready = d.readyForCutover || d.phase == engine::DatabasePhase::Done;
    m_phase->setText(Format::phase(d.phase));
    QPalette pal = m_phase->palette();
    pal.setColor(QPalette::WindowText, failed  ? severityColor(Severity::Blocker)
                                       : ready ? severityColor(Severity::Pass)
                                               : severityColor(Severity::Info));
    m_phase->setPalette(pal);
    m_progress->setText(
        progressText(d) +
        (d.tablesFailed > 0 ? QStringLiteral(", ") + tr("%n failed", nullptr, d.tablesFailed) : QString()));
    m_bar->setRange(0, std::max(1, d.tablesTotal));
    m_bar->setValue(d.tablesDone);
    m_pending->setText(tr("Pending changes: %1").arg(Format::count(d.pendingChanges)));
    m_lag->setText(tr("Lag: %1 · %2").arg(Format::bytes(d.lagBytes), Format::duration(d.lagSeconds)));
    const bool catchingUp = d.phase == engine::DatabasePhase::Streaming && !ready && d.etaSeconds > 0;
    m_eta->setText(d.phase == engine::DatabasePhase::FullLoad
                       ? tr("ETA %1").arg(Format::duration(d.etaSeconds))
                   : ready      ? tr("Ready")
                   : catchingUp ? tr("Caught up in %1").arg(Format::duration(d.etaSeconds))
                                : QString());
    setToolTip(d.readiness.isEmpty() ? d.notReadyReason : readinessToolTip(d));
    elideTitle();

    m_database = d.name;
    const QString capture = captureText(d.ddlCapture);
    m_capture->setText(capture);
    m_capture->setToolTip(
        d.ddlCapture == u"event trigger" ? tr("Schema changes made on the source are carried to the target "
                                              "in stream order by event triggers.")
        : d.ddlCapture == u"watch only"  ? tr("Schema changes on the source are detected by comparing the "
                                               "catalogs; each one holds the cutover until "
                                               "it is resolved.")
                                         : QString());
    m_capture->setVisible(!capture.isEmpty());
    const QString badge = schemaBadgeText(d);
    const bool unresolved = std::any_of(d.schemaChanges.cbegin(), d.schemaChanges.cend(),
                                        [](const auto &c) { return c.unresolved(); });
    if (badge != m_schemaBadge->text() || unresolved != m_schemaBadge->property("unresolved").toBool()) {
        m_schemaBadge->setText(badge);
        m_schemaBadge->setProperty("unresolved", unresolved);
        m_schemaBadge->setIcon(severityIcon(unresolved ? Severity::Blocker : Severity::Info));
        if (unresolved) {
            QPalette bp = m_schemaBadge->palette();
            bp.setColor(QPalette::ButtonText, severityColor(Severity::Blocker));
            bp.setColor(QPalette::WindowText, severityColor(Severity::Blocker));
            m_schemaBadge->setPalette(bp);
        } else {
            m_schemaBadge->setPalette(QPalette()); // the card's own colours
        }
        m_schemaBadge->setAccessibleName(tr("Schema changes of %1").arg(d.name));
        m_schemaBadge->setAccessibleDescription(badge);
    }
    m_schemaBadge->setToolTip(schemaChangesToolTip(d));
    m_schemaBadge->setVisible(!badge.isEmpty());
    // Lag alone does not hold a cutover back (it waits for the lag to fall); anything else does.
    const bool streaming = d.phase == engine::DatabasePhase::Streaming;
    m_cutover->setVisible(streaming);
    m_cutover->setEnabled(streaming &&
                          (d.readyForCutover || d.notReadyReason.startsWith(u"replication lag")));
    m_cutover->setToolTip(m_cutover->isEnabled()
                              ? tr("Cut over %1 now; the other databases keep streaming.").arg(d.name)
                              : d.notReadyReason);
    m_cutover->setAccessibleName(tr("Cut over %1").arg(d.name));
}

void DatabaseCard::elideTitle()
{
    const int width = m_title->contentsRect().width();
    const QString shown =
        m_title->fontMetrics().elidedText(m_titleText, Qt::ElideMiddle, std::max(width, 40));
    m_title->setText(shown);
    m_title->setToolTip(shown == m_titleText ? QString() : m_titleText);
}

bool DatabaseCard::eventFilter(QObject *watched, QEvent *event)
{
    // The title's room changes with the ETA beside it.
    if (watched == m_title && event->type() == QEvent::Resize)
        elideTitle();
    return QFrame::eventFilter(watched, event);
}

} // namespace pgferry::wizard
