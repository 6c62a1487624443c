#include "donepage.h"

#include "format.h"
#include "icons.h"
#include "migrationwizard.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace pgferry::wizard {

using engine::RunState;

DonePage::DonePage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Migration complete"));
    setSubTitle(tr("The report, the target's connection strings, and what to do next."));
    setFinalPage(true);
    m_icon = new QLabel;
    m_headline = new QLabel;
    m_headline->setObjectName(QStringLiteral("doneHeadline"));
    QFont hf = m_headline->font();
    hf.setBold(true);
    hf.setPointSizeF(hf.pointSizeF() * 1.25);
    m_headline->setFont(hf);
    m_stats = new QLabel;
    m_stats->setObjectName(QStringLiteral("doneStats"));
    m_stats->setWordWrap(true);
    m_html = new QPushButton(tr("Export report (&HTML)…"));
    m_html->setObjectName(QStringLiteral("exportHtml"));
    m_json = new QPushButton(tr("Export report (&JSON)…"));
    m_json->setObjectName(QStringLiteral("exportJson"));
    m_exported = new QLabel;
    m_exported->setObjectName(QStringLiteral("exportMessage"));
    m_exported->setWordWrap(true);
    m_conn = new QPlainTextEdit;
    m_conn->setObjectName(QStringLiteral("targetConnectionStrings"));
    m_conn->setAccessibleName(tr("Target connection strings"));
    m_conn->setReadOnly(true);
    m_conn->setFixedHeight(m_conn->fontMetrics().lineSpacing() * 5 + 14);
    m_conn->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_conn->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_copy = new QPushButton(tr("C&opy"));
    m_copy->setObjectName(QStringLiteral("copyConnectionStrings"));
    m_copy->setAccessibleName(tr("Copy the connection strings"));
    m_steps = new QLabel;
    m_steps->setObjectName(QStringLiteral("postMigrationSteps"));
    m_steps->setWordWrap(true);
    m_steps->setOpenExternalLinks(true);
    m_steps->setTextInteractionFlags(Qt::TextBrowserInteraction);

    auto *head = new QHBoxLayout;
    head->addWidget(m_icon);
    auto *hv = new QVBoxLayout;
    hv->addWidget(m_headline);
    hv->addWidget(m_stats);
    head->addLayout(hv, 1);
    auto *exportRow = new QHBoxLayout;
    exportRow->addWidget(m_html);
    exportRow->addWidget(m_json);
    exportRow->addWidget(m_exported, 1);
    auto *connBox = new QGroupBox(tr("Connect your applications to the target"));
    auto *cb = new QVBoxLayout(connBox);
    cb->addWidget(m_conn);
    auto *copyRow = new QHBoxLayout;
    copyRow->addStretch();
    copyRow->addWidget(m_copy);
    cb->addLayout(copyRow);
    auto *stepsBox = new QGroupBox(tr("After the migration"));
    auto *sb = new QVBoxLayout(stepsBox);
    sb->addWidget(m_steps);
    connBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    stepsBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto *v = new QVBoxLayout(this);
    v->addLayout(head);
    v->addLayout(exportRow);
    v->addWidget(connBox);
    v->addWidget(stepsBox);
    v->addStretch(1);

    auto ask = [this](const QString &format) {
        const QString filter = format == u"html" ? tr("HTML report (*.html)") : tr("JSON report (*.json)");
        const QString name = mw()->project().name.isEmpty() ? QStringLiteral("pgferry-report") : mw()->project().name + QStringLiteral("-report");
        const QString path = QFileDialog::getSaveFileName(this, tr("Export report"), name + u'.' + format, filter);
        if (path.isEmpty())
            return;
        QString error;
        exportReport(path, format, &error);
    };
    connect(m_html, &QPushButton::clicked, this, [ask] { ask(QStringLiteral("html")); });
    connect(m_json, &QPushButton::clicked, this, [ask] { ask(QStringLiteral("json")); });
    connect(m_copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_conn->toPlainText()); });
    connect(wizard, &MigrationWizard::statusChanged, this, [this] {
        if (mw()->currentId() == MigrationWizard::DonePage)
            refresh();
    });
}

void DonePage::loadFrom(const project::Project &) { m_exported->clear(); }

void DonePage::initializePage() { refresh(); }

QString DonePage::connectionStrings() const
{
    const project::Project p = mw()->project();
    QStringList lines;
    for (const project::DatabaseSelection &d : p.databases)
        lines << p.target.connInfo(d.effectiveTarget()).toUri();
    return lines.join(QLatin1Char('\n'));
}

void DonePage::refresh()
{
    const engine::MigrationStatus &s = mw()->status();
    const bool ok = s.state == RunState::Completed;
    m_icon->setPixmap(severityIcon(ok ? Severity::Pass : s.state == RunState::Failed ? Severity::Blocker : Severity::Warning).pixmap(QSize(48, 48), m_icon->devicePixelRatioF()));
    m_headline->setText(ok                             ? tr("The migration completed.")
                        : s.state == RunState::Failed ? tr("The migration failed.")
                                                       : tr("The migration is %1.").arg(Format::runState(s.state).toLower()));
    int tables = 0, failed = 0;
    for (const auto &d : s.databases) {
        tables += d.tablesDone;
        failed += d.tablesFailed;
    }
    const double seconds = s.startedAt.isValid() && s.updatedAt.isValid() ? s.startedAt.secsTo(s.updatedAt) : -1;
    QString stats = tr("%n database(s)", nullptr, int(s.databases.size())) + QStringLiteral(" · ") + tr("%n table(s)", nullptr, tables)
                    + QStringLiteral(" · ") + tr("%1 row(s), %2", nullptr, Format::plural(s.rowsCopied())).arg(Format::count(s.rowsCopied()), Format::bytes(s.bytesCopied()))
                    + QStringLiteral(" · ") + tr("took %1").arg(Format::duration(seconds));
    qint64 changes = 0;
    for (const auto &d : s.databases)
        changes += d.inserts + d.updates + d.deletes;
    if (changes > 0)
        stats += QStringLiteral(" · ") + tr("%1 change(s) streamed", nullptr, Format::plural(changes)).arg(Format::count(changes));
    if (failed > 0)
        stats += QStringLiteral(" · ") + tr("%n table(s) failed", nullptr, failed);
    m_stats->setText(stats);
    m_conn->setPlainText(connectionStrings());

    const project::Project p = mw()->project();
    const bool azure = !p.azure.serverName.isEmpty() || p.target.host.endsWith(u".postgres.database.azure.com");
    QString html = QStringLiteral("<ol style='margin-left:-20px'>");
    auto item = [&](const QString &title, const QString &text, const QString &url) {
        html += QStringLiteral("<li style='margin-bottom:4px'><b>%1</b> — %2").arg(title.toHtmlEscaped(), text.toHtmlEscaped());
        if (!url.isEmpty())
            html += QStringLiteral(" <a href='%1'>%2</a>").arg(url, tr("Learn more").toHtmlEscaped());
        html += QStringLiteral("</li>");
    };
    item(tr("Set passwords for migrated roles"), tr("roles were created without passwords; set them before applications connect."), {});
    if (azure) {
        item(tr("Create read replicas"), tr("offload reads and prepare for regional failover."),
             QStringLiteral("https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-read-replicas"));
        item(tr("Check geo-redundant backup"), tr("make sure backups are kept in a second region if you need them."),
             QStringLiteral("https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore"));
        item(tr("Add a delete lock"), tr("protect the new server from being deleted by mistake."),
             QStringLiteral("https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources"));
    } else {
        item(tr("Set up replicas and backups"), tr("give the new server the same protection the source had."), {});
    }
    item(tr("Take a final backup of the source"), tr("keep it for retention before the source is retired (pg_dump -Fc)."), {});
    html += QStringLiteral("</ol>");
    m_steps->setText(html);
}

bool DonePage::exportReport(const QString &path, const QString &format, QString *error)
{
    const project::Project p = mw()->project();
    const QString text = format == u"json" ? mw()->services()->reportJson(p, mw()->status()) : mw()->services()->reportHtml(p, mw()->status());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0 || !f.commit()) {
        const QString e = tr("The report could not be written to %1: %2").arg(path, f.errorString());
        m_exported->setText(e);
        if (error)
            *error = e;
        return false;
    }
    m_exported->setText(tr("Report written to %1.").arg(path));
    return true;
}

} // namespace pgferry::wizard
