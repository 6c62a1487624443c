#include "donepage.h"

#include "azureactions.h"
#include "backgroundtask.h"
#include "format.h"
#include "icons.h"
#include "migrationwizard.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
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
    m_html = new QPushButton(tr("Export report (HT&ML)…"));
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

    m_fallbackBox = new QGroupBox(tr("Fallback to the old server"));
    m_fallbackBox->setObjectName(QStringLiteral("fallbackBox"));
    m_fallbackState = new QLabel;
    m_fallbackState->setObjectName(QStringLiteral("fallbackState"));
    m_fallbackState->setWordWrap(true);
    m_fallbackState->setTextFormat(Qt::PlainText);
    m_fallbackConfirm =
        new QCheckBox(tr("I have &stopped the applications' writes on the new server, or accept that "
                         "they stop"));
    m_fallbackConfirm->setObjectName(QStringLiteral("fallbackConfirm"));
    m_fallbackConfirm->setAccessibleName(tr("Confirm failing back or ending the fallback"));
    m_failBack = new QPushButton(tr("Fa&il back to the old server"));
    m_failBack->setObjectName(QStringLiteral("failBack"));
    m_failBack->setToolTip(
        tr("Makes the new server's databases read-only, applies what is left on the old server, sets "
           "its sequences, verifies every table and makes the old server writable again."));
    m_endFallback = new QPushButton(tr("&End the fallback"));
    m_endFallback->setObjectName(QStringLiteral("endFallback"));
    m_endFallback->setToolTip(
        tr("Keeps the new server for good: removes the fallback's slot, publication and origin; the "
           "old server stays read-only."));
    m_fallbackMessage = new QLabel;
    m_fallbackMessage->setObjectName(QStringLiteral("fallbackMessage"));
    m_fallbackMessage->setWordWrap(true);
    m_fallbackMessage->setTextFormat(Qt::PlainText);
    {
        auto *fb = new QVBoxLayout(m_fallbackBox);
        fb->addWidget(m_fallbackState);
        fb->addWidget(m_fallbackConfirm);
        auto *buttons = new QHBoxLayout;
        buttons->addWidget(m_failBack);
        buttons->addWidget(m_endFallback);
        buttons->addStretch();
        fb->addLayout(buttons);
        fb->addWidget(m_fallbackMessage);
        m_fallbackBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
        m_fallbackBox->hide();
    }

    m_backup = new QPushButton(tr("Back &up the source…"));
    m_backup->setObjectName(QStringLiteral("backupSource"));
    m_backup->setToolTip(tr("The final backup for retention: pg_dump -Fc of each source database into a "
                            "folder you choose, with each "
                            "archive's size and SHA-256 (as pgferry-cli backup-source does)."));
    m_backupResult = new QLabel;
    m_backupResult->setObjectName(QStringLiteral("backupResult"));
    m_backupResult->setWordWrap(true);
    m_backupResult->setTextFormat(Qt::PlainText);
    m_backupResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_azureActions = new AzureActions(wizard);
    m_azureActions->hide();

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
    auto *connBox = m_connBox = new QGroupBox(tr("Connect your applications to the target"));
    auto *cb = new QVBoxLayout(connBox);
    cb->addWidget(m_conn);
    auto *copyRow = new QHBoxLayout;
    copyRow->addStretch();
    copyRow->addWidget(m_copy);
    cb->addLayout(copyRow);
    auto *stepsBox = new QGroupBox(tr("After the migration"));
    auto *sb = new QVBoxLayout(stepsBox);
    sb->addWidget(m_steps);
    auto *backupRow = new QHBoxLayout;
    backupRow->addWidget(m_backup);
    backupRow->addWidget(m_backupResult, 1);
    sb->addLayout(backupRow);
    connBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    stepsBox->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto *v = new QVBoxLayout(this);
    v->addLayout(head);
    v->addLayout(exportRow);
    v->addWidget(m_fallbackBox);
    v->addWidget(connBox);
    v->addWidget(stepsBox);
    v->addWidget(m_azureActions);
    v->addStretch(1);

    auto ask = [this](const QString &format) {
        const QString filter = format == u"html" ? tr("HTML report (*.html)") : tr("JSON report (*.json)");
        const QString name = mw()->project().name.isEmpty()
                                 ? QStringLiteral("pgferry-report")
                                 : mw()->project().name + QStringLiteral("-report");
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export report"), name + u'.' + format, filter);
        if (path.isEmpty())
            return;
        QString error;
        exportReport(path, format, &error);
    };
    connect(m_html, &QPushButton::clicked, this, [ask] { ask(QStringLiteral("html")); });
    connect(m_json, &QPushButton::clicked, this, [ask] { ask(QStringLiteral("json")); });
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_conn->toPlainText()); });
    connect(m_backup, &QPushButton::clicked, this, [this] {
        backUpSourceTo(
            QFileDialog::getExistingDirectory(this, tr("Folder for the source's backup archives")));
    });
    connect(m_fallbackConfirm, &QCheckBox::toggled, this, [this] { refresh(); });
    connect(m_failBack, &QPushButton::clicked, this, [this] { askFallback(true); });
    connect(m_endFallback, &QPushButton::clicked, this, [this] { askFallback(false); });
    connect(wizard, &MigrationWizard::statusChanged, this, [this] {
        if (mw()->currentId() == MigrationWizard::DonePage)
            refresh();
    });
}

void DonePage::loadFrom(const project::Project &)
{
    m_exported->clear();
    m_fallbackMessage->clear();
    m_fallbackConfirm->setChecked(false);
}

void DonePage::askFallback(bool failBack)
{
    QString why;
    if (!mw()->requestFallback(failBack ? engine::MigrationEngine::FallbackAction::FailBack
                                        : engine::MigrationEngine::FallbackAction::End,
                               &why)) {
        m_fallbackMessage->setText(tr("Refused: %1").arg(why));
        return;
    }
    m_fallbackConfirm->setChecked(false);
    m_fallbackMessage->setText(failBack ? tr("Failing back…") : tr("Ending the fallback…"));
}

void DonePage::initializePage()
{
    refresh();
}

void DonePage::backUpSourceTo(const QString &dir)
{
    if (m_backingUp || dir.isEmpty())
        return;
    const project::Project project = mw()->project();
    QStringList databases;
    for (const project::DatabaseSelection &d : project.databases)
        databases << d.name;
    if (databases.isEmpty()) {
        m_backupResult->setText(tr("The project selects no database to back up."));
        return;
    }
    m_backingUp = true;
    m_backup->setEnabled(false);
    m_backupResult->setText(tr("Backing up %1 with pg_dump -Fc…").arg(databases.first()));
    const ServicesPtr services = mw()->services();
    const Credentials credentials = mw()->credentials();
    QPointer<DonePage> self(this);
    auto work = [services, project, credentials, databases, dir, self] {
        QList<engine::BackupResult> results;
        for (const QString &db : databases) {
            qint64 shown = 0;
            results << services->backupSourceDatabase(
                project, credentials, db, dir, [self, db, &shown](qint64 bytes) {
                    if (bytes - shown < 256 * 1024)
                        return;
                    shown = bytes;
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, db, bytes] {
                            if (self && self->m_backingUp)
                                self->m_backupResult->setText(
                                    tr("Backing up %1: %2 written…")
                                        .arg(db, QLocale().formattedDataSize(bytes)));
                        },
                        Qt::QueuedConnection);
                });
        }
        return results;
    };
    runInBackground(this, work, [this, databases](const QList<engine::BackupResult> &results) {
        m_backingUp = false;
        m_backup->setEnabled(true);
        QStringList lines;
        bool ok = true;
        for (qsizetype i = 0; i < results.size(); ++i) {
            engine::BackupResult r = results.at(i);
            if (r.database.isEmpty())
                r.database = databases.value(i);
            ok = ok && r.ok;
            lines
                << (r.ok
                        ? tr("%1: %2, SHA-256 %3").arg(r.path, QLocale().formattedDataSize(r.bytes), r.sha256)
                        : tr("%1 was not backed up: %2").arg(r.database, r.error));
            if (r.ok && !r.error.isEmpty())
                lines << tr("%1: the archive is complete, but the run's report does not list it: %2")
                             .arg(r.database, r.error);
        }
        lines.prepend(ok ? tr("The source is backed up; keep these archives and their checksums.")
                         : tr("The backup did not finish for every database."));
        m_backupResult->setText(lines.join(u'\n'));
    });
}

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
    const bool inFallback = s.state == RunState::Fallback || s.state == RunState::FailingBack;
    const bool ok = s.state == RunState::Completed || inFallback;
    bool failedBack = false;
    QStringList fallbackLines;
    for (const auto &d : s.databases) {
        if (d.fallback.isEmpty())
            continue;
        failedBack = failedBack || d.fallback == u"failed back";
        if (d.fallback == u"streaming")
            fallbackLines
                << tr("%1: the new server's writes stream back into the old one; lag %2 (%3), %4 pending")
                           .arg(d.name, Format::bytes(d.lagBytes), Format::duration(d.lagSeconds),
                                Format::count(d.pendingChanges)) +
                       (d.notReadyReason.isEmpty() ? QString() : QStringLiteral(". ") + d.notReadyReason);
        else if (d.fallback == u"failing back")
            fallbackLines << tr("%1: failing back (the new server is read-only while what is left is applied "
                                "and verified)")
                                 .arg(d.name);
        else if (d.fallback == u"failed back")
            fallbackLines << tr("%1: failed back. The old server has every write and is writable; the new "
                                "one is read-only.")
                                 .arg(d.name);
        else if (d.fallback == u"ended")
            fallbackLines
                << tr("%1: fallback ended. The new server stays; the old one stays read-only.").arg(d.name);
    }
    m_fallbackBox->setVisible(!fallbackLines.isEmpty());
    m_fallbackState->setText(fallbackLines.join(u'\n'));
    const bool canAct = s.state == RunState::Fallback && mw()->engine();
    m_fallbackConfirm->setEnabled(canAct);
    m_failBack->setEnabled(canAct && m_fallbackConfirm->isChecked());
    m_endFallback->setEnabled(canAct && m_fallbackConfirm->isChecked());
    // Once the fallback has an outcome there is nothing left to choose.
    for (QWidget *wgt : std::initializer_list<QWidget *>{m_fallbackConfirm, m_failBack, m_endFallback})
        wgt->setVisible(inFallback);
    if (!inFallback && !fallbackLines.isEmpty())
        m_fallbackMessage->clear();
    m_icon->setPixmap(severityIcon(ok                            ? Severity::Pass
                                   : s.state == RunState::Failed ? Severity::Blocker
                                                                 : Severity::Warning)
                          .pixmap(QSize(48, 48), m_icon->devicePixelRatioF()));
    m_headline->setText(inFallback         ? tr("Cut over. The old server is kept as a live fallback.")
                        : ok && failedBack ? tr("Failed back: the old server is the primary again.")
                        : ok               ? tr("The migration completed.")
                        : s.state == RunState::Failed
                            ? tr("The migration failed.")
                            : tr("The migration is %1.").arg(Format::runState(s.state).toLower()));
    int tables = 0, failed = 0;
    for (const auto &d : s.databases) {
        tables += d.tablesDone;
        failed += d.tablesFailed;
    }
    const double seconds =
        s.startedAt.isValid() && s.updatedAt.isValid() ? s.startedAt.secsTo(s.updatedAt) : -1;
    QString stats = tr("%n database(s)", nullptr, int(s.databases.size())) + QStringLiteral(" · ") +
                    tr("%n table(s)", nullptr, tables) + QStringLiteral(" · ") +
                    tr("%1 row(s), %2", nullptr, Format::plural(s.rowsCopied()))
                        .arg(Format::count(s.rowsCopied()), Format::bytes(s.bytesCopied())) +
                    QStringLiteral(" · ") + tr("took %1").arg(Format::duration(seconds));
    qint64 changes = 0;
    for (const auto &d : s.databases)
        changes += d.inserts + d.updates + d.deletes;
    if (changes > 0)
        stats += QStringLiteral(" · ") +
                 tr("%1 change(s) streamed", nullptr, Format::plural(changes)).arg(Format::count(changes));
    if (failed > 0)
        stats += QStringLiteral(" · ") + tr("%n table(s) failed", nullptr, failed);
    m_stats->setText(stats);
    if (failedBack) {
        // The applications go back to the old server.
        const project::Project p = mw()->project();
        QStringList lines;
        for (const project::DatabaseSelection &d : p.databases)
            lines << p.source.connInfo(d.name).toUri();
        m_connBox->setTitle(tr("Point your applications back at the old server"));
        m_conn->setPlainText(lines.join(QLatin1Char('\n')));
    } else {
        m_connBox->setTitle(tr("Connect your applications to the target"));
        m_conn->setPlainText(connectionStrings());
    }

    const project::Project p = mw()->project();
    const bool azure =
        !p.azure.serverName.isEmpty() || p.target.host.endsWith(u".postgres.database.azure.com");
    QString html = QStringLiteral("<ol style='margin-left:-20px'>");
    auto item = [&](const QString &title, const QString &text, const QString &url) {
        html += QStringLiteral("<li style='margin-bottom:4px'><b>%1</b> — %2")
                    .arg(title.toHtmlEscaped(), text.toHtmlEscaped());
        if (!url.isEmpty())
            html += QStringLiteral(" <a href='%1'>%2</a>").arg(url, tr("Learn more").toHtmlEscaped());
        html += QStringLiteral("</li>");
    };
    item(tr("Set passwords for migrated roles"),
         tr("roles were created without passwords; set them before applications connect."), {});
    if (azure) {
        // Alerts, the delete lock and a read replica are actions of their own, below.
        item(tr("Check geo-redundant backup"),
             tr("make sure backups are kept in a second region if you need them."),
             QStringLiteral(
                 "https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore"));
        item(tr("Protect and watch the server"),
             tr("create alerts, add a delete lock and a read replica with the actions below."), {});
    } else {
        item(tr("Set up replicas and backups"), tr("give the new server the same protection the source had."),
             {});
    }
    item(tr("Take a final backup of the source"),
         tr("keep it for retention before the source is retired (pg_dump -Fc)."), {});
    html += QStringLiteral("</ol>");
    m_steps->setText(html);
    m_azureActions->setVisible(azure);
    if (azure)
        m_azureActions->setProject(p, inFallback);
}

bool DonePage::exportReport(const QString &path, const QString &format, QString *error)
{
    const project::Project p = mw()->project();
    const QString text = format == u"json" ? mw()->services()->reportJson(p, mw()->status())
                                           : mw()->services()->reportHtml(p, mw()->status());
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
