// The wizard's pages validate what is typed: a project needs a name, a connection needs a host
// and a user and a successful test, databases need unique target names; errors appear under the
// field they concern and Next follows isComplete(); the advanced settings round-trip through the
// project; the assessment's report and fix script are exported to files and shown read-only.
#include "assessmentview.h"
#include "connectionform.h"
#include "databasespage.h"
#include "fixscriptdialog.h"
#include "icons.h"
#include "migrationwizard.h"
#include "project/projectfile.h"
#include "projectpage.h"
#include "sampleservices.h"
#include "sourcepage.h"
#include "widgetfind.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFontInfo>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

namespace {
QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
} // namespace

using namespace pgferry;
using namespace pgferry::wizard;

class TestWizardPages : public QObject
{
    Q_OBJECT
    std::unique_ptr<MigrationWizard> m_wizard;

    template<typename T> T *find(const char *name) { return test::findNamed<T>(m_wizard.get(), name); }

private Q_SLOTS:
    void init()
    {
        m_wizard = std::make_unique<MigrationWizard>(std::make_shared<SampleServices>());
        m_wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    }
    void cleanup() { m_wizard.reset(); }

    void everyInputHasAnObjectNameAndAnAccessibleName()
    {
        int checked = 0;
        for (QWidget *w : m_wizard->findChildren<QWidget *>()) {
            const bool input = qobject_cast<QLineEdit *>(w) || qobject_cast<QCheckBox *>(w) ||
                               qobject_cast<QRadioButton *>(w) || qobject_cast<QAbstractSpinBox *>(w) ||
                               qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractItemView *>(w) ||
                               qobject_cast<QPlainTextEdit *>(w);
            bool internal = w->objectName().startsWith(u"qt_");
            for (QWidget *p = w->parentWidget(); p && !internal; p = p->parentWidget())
                internal = qobject_cast<QComboBox *>(p) || qobject_cast<QAbstractSpinBox *>(p) ||
                           qobject_cast<QAbstractItemView *>(p);
            if (!input || internal)
                continue;
            const QString what = QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName();
            QVERIFY2(!w->objectName().isEmpty(), qPrintable(QStringLiteral("no object name: ") + what));
            QVERIFY2(!w->accessibleName().isEmpty(),
                     qPrintable(QStringLiteral("no accessible name: ") + what));
            ++checked;
        }
        QVERIFY2(checked > 40, qPrintable(QString::number(checked)));
    }

    void aProjectWithoutANameCannotGoOn()
    {
        auto *name = find<QLineEdit>("projectName");
        auto *error = find<QLabel>("projectNameError");
        QCOMPARE(m_wizard->currentId(), int(MigrationWizard::ProjectPage));
        name->setText(QStringLiteral("x"));
        QVERIFY(m_wizard->currentPage()->isComplete());
        name->clear();
        QVERIFY(!m_wizard->currentPage()->isComplete());
        QVERIFY(!m_wizard->button(QWizard::NextButton)->isEnabled());
        Q_EMIT name->editingFinished();
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(u"name"));
        QTest::keyClicks(name, QStringLiteral("Orders"));
        QVERIFY(!error->isVisible());
        QVERIFY(m_wizard->button(QWizard::NextButton)->isEnabled());
        m_wizard->next();
        QCOMPARE(m_wizard->currentId(), int(MigrationWizard::SourcePage));
    }

    void connectionFormShowsFieldErrors_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("caFile");
        QTest::addColumn<QString>("errorLabel");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no host") << QString() << QStringLiteral("u") << QString()
                                 << QStringLiteral("sourceHostError") << QStringLiteral("host");
        QTest::newRow("space in host") << QStringLiteral("a b") << QStringLiteral("u") << QString()
                                       << QStringLiteral("sourceHostError") << QStringLiteral("spaces");
        QTest::newRow("no user") << QStringLiteral("h") << QString() << QString()
                                 << QStringLiteral("sourceUserError") << QStringLiteral("user");
        QTest::newRow("missing CA file")
            << QStringLiteral("h") << QStringLiteral("u") << QStringLiteral("/no/such/ca.pem")
            << QStringLiteral("sourceCaFileError") << QStringLiteral("/no/such/ca.pem");
    }

    void connectionFormShowsFieldErrors()
    {
        QFETCH(QString, host);
        QFETCH(QString, user);
        QFETCH(QString, caFile);
        QFETCH(QString, errorLabel);
        QFETCH(QString, mentions);
        find<QLineEdit>("projectName")->setText(QStringLiteral("p"));
        m_wizard->next();
        find<QLineEdit>("sourceHost")->setText(host);
        find<QLineEdit>("sourceUser")->setText(user);
        find<QLineEdit>("sourceCaFile")->setText(caFile);
        QTest::mouseClick(find<QAbstractButton>("sourceTestConnection"), Qt::LeftButton);
        auto *label = m_wizard->findChild<QLabel *>(errorLabel);
        QVERIFY(label);
        QVERIFY(label->isVisible());
        QVERIFY2(label->text().contains(mentions), qPrintable(label->text()));
        QVERIFY(!m_wizard->currentPage()->isComplete());
        auto *form = static_cast<SourcePage *>(m_wizard->currentPage())->form();
        QCOMPARE(form->testState(), ConnectionForm::TestState::Untested);
    }

    void aSuccessfulTestCompletesTheSourcePageAndAnEditUndoesIt()
    {
        find<QLineEdit>("projectName")->setText(QStringLiteral("p"));
        m_wizard->next();
        find<QLineEdit>("sourceHost")->setText(QStringLiteral("db.example"));
        find<QLineEdit>("sourceUser")->setText(QStringLiteral("me"));
        QVERIFY(!m_wizard->currentPage()->isComplete());
        QTest::mouseClick(find<QAbstractButton>("sourceTestConnection"), Qt::LeftButton);
        QTRY_VERIFY(m_wizard->currentPage()->isComplete());
        QVERIFY(find<QLabel>("sourceTestMessage")->text().contains(u"12.17"));
        QTRY_VERIFY(m_wizard->assessment().ran); // the assessment follows a good test
        find<QLineEdit>("sourceHost")->setText(QStringLiteral("other.example"));
        QVERIFY(!m_wizard->currentPage()->isComplete());
    }

    void theAssessmentExportsItsReportAndFixScriptToFiles()
    {
        QTemporaryDir dir;
        QStringList asked;
        QString answer; // the path the "dialog" returns; empty: cancelled
        m_wizard->setAskSavePath([&](const QString &, const QString &name, const QString &) {
            asked << name;
            return answer.isNull() ? dir.filePath(name) : answer;
        });
        find<QLineEdit>("projectName")->setText(QStringLiteral("Orders/EU"));
        m_wizard->next();
        auto *exportButton = find<QPushButton>("sourceExportReport");
        auto *saveFix = find<QPushButton>("sourceSaveFixScript");
        auto *message = find<QLabel>("sourceAssessmentFileMessage");
        QVERIFY(!exportButton->isEnabled()); // nothing to export before the assessment
        QVERIFY(!saveFix->isEnabled());
        QVERIFY(!message->isVisible()); // no line for a message until there is one
        find<QLineEdit>("sourceHost")->setText(QStringLiteral("db.example"));
        find<QLineEdit>("sourceUser")->setText(QStringLiteral("me"));
        QTest::mouseClick(find<QAbstractButton>("sourceTestConnection"), Qt::LeftButton);
        QTRY_VERIFY(m_wizard->assessment().ran);
        QVERIFY(exportButton->isEnabled());
        const AssessmentResult &result = m_wizard->assessment();

        // HTML: core's page, named after the project (a slash is no file name).
        find<QAction>("sourceExportHtml")->trigger();
        QCOMPARE(asked.last(), QStringLiteral("Orders-EU-assessment.html"));
        const QString html = readFile(dir.filePath(asked.last()));
        QVERIFY2(html.startsWith(u"<!DOCTYPE html>"), qPrintable(html.left(200)));
        QVERIFY(html.contains(u"public.page_views"));
        QVERIFY(html.contains(u"no_primary_key"));
        QVERIFY(html.contains(u"2 warnings"));
        QVERIFY2(message->text().contains(QDir::toNativeSeparators(dir.filePath(asked.last()))),
                 qPrintable(message->text()));
        QVERIFY(message->isVisible());

        // JSON: every finding the page lists, with its counts.
        find<QAction>("sourceExportJson")->trigger();
        QCOMPARE(asked.last(), QStringLiteral("Orders-EU-assessment.json"));
        const QJsonObject json =
            QJsonDocument::fromJson(readFile(dir.filePath(asked.last())).toUtf8()).object();
        QCOMPARE(json[u"checks"].toArray().size(), result.items.size());
        QCOMPARE(json[u"warnings"].toInt(), 2);
        QCOMPARE(json[u"blockers"].toInt(), 0);
        QCOMPARE(json[u"ok"].toBool(), true);
        bool found = false;
        for (const QJsonValue &c : json[u"checks"].toArray())
            if (c[u"id"].toString() == u"no_primary_key") {
                found = true;
                QCOMPARE(c[u"database"].toString(), QStringLiteral("analytics"));
                QCOMPARE(c[u"objects"].toArray().size(), 2);
            }
        QVERIFY(found);

        // The fix script, saved as it is.
        QTest::mouseClick(saveFix, Qt::LeftButton);
        QCOMPARE(asked.last(), QStringLiteral("Orders-EU-fix-script.sql"));
        const QString script = readFile(dir.filePath(asked.last()));
        QCOMPARE(script, result.fixScript);
        QVERIFY2(script.contains(u"ALTER TABLE public.page_views REPLICA IDENTITY FULL;"),
                 qPrintable(script));

        // Cancelled: nothing written, nothing said.
        answer = QStringLiteral("");
        message->clear();
        QVERIFY(!static_cast<AssessmentView *>(find<QWidget>("sourceAssessment"))
                     ->exportReport(QStringLiteral("html")));
        QVERIFY(message->text().isEmpty());
        // A folder that does not exist: the message says where and why.
        answer = dir.filePath(QStringLiteral("missing/fix.sql"));
        QTest::mouseClick(saveFix, Qt::LeftButton);
        QVERIFY2(message->text().contains(QDir::toNativeSeparators(answer)), qPrintable(message->text()));
        QCOMPARE(message->palette().color(QPalette::WindowText),
                 severityColor(Severity::Blocker)); // in the problem colour
        QVERIFY(!QFile::exists(answer));
        answer.clear(); // null again: a good path, and the message in the text colour
        QTest::mouseClick(saveFix, Qt::LeftButton);
        QCOMPARE(message->palette().color(QPalette::WindowText),
                 m_wizard->palette().color(QPalette::WindowText));
    }

    void theFixScriptIsShownReadOnlyBeforeItIsCopied()
    {
        QTemporaryDir dir;
        m_wizard->setAskSavePath(
            [&](const QString &, const QString &name, const QString &) { return dir.filePath(name); });
        find<QLineEdit>("projectName")->setText(QStringLiteral("p"));
        m_wizard->next();
        find<QLineEdit>("sourceHost")->setText(QStringLiteral("db.example"));
        find<QLineEdit>("sourceUser")->setText(QStringLiteral("me"));
        QTest::mouseClick(find<QAbstractButton>("sourceTestConnection"), Qt::LeftButton);
        QTRY_VERIFY(m_wizard->assessment().ran);
        QGuiApplication::clipboard()->setText(QStringLiteral("before"));
        QTest::mouseClick(find<QPushButton>("sourceShowFixScript"), Qt::LeftButton);
        auto *dialog = m_wizard->findChild<FixScriptDialog *>(QStringLiteral("fixScriptDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto *text = test::findNamed<QPlainTextEdit>(dialog, "fixScriptText");
        QVERIFY(text->isReadOnly());
        QVERIFY(QFontInfo(text->font()).fixedPitch());
        QCOMPARE(text->toPlainText(), m_wizard->assessment().fixScript);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("before")); // showing copies nothing
        QTest::mouseClick(test::findNamed<QPushButton>(dialog, "fixScriptCopy"), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), m_wizard->assessment().fixScript);
        QTest::mouseClick(test::findNamed<QPushButton>(dialog, "fixScriptSave"), Qt::LeftButton);
        QCOMPARE(readFile(dir.filePath(QStringLiteral("p-fix-script.sql"))),
                 m_wizard->assessment().fixScript);
        QVERIFY(test::findNamed<QLabel>(dialog, "fixScriptMessage")->text().contains(u"p-fix-script.sql"));
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY(!m_wizard->findChild<FixScriptDialog *>(QStringLiteral("fixScriptDialog")));
    }

    void theConnectionTestUsesWhatTheFormDoesNotShow()
    {
        // A project made by `pgferry-cli project new` from the sandbox's URIs names a passfile; the
        // form shows no field for it, and Test connection must still use it.
        struct Recording : SampleServices
        {
            QList<pg::ConnInfo> tested;
            ConnectionCheck testConnection(const pg::ConnInfo &info) override
            {
                tested << info;
                return SampleServices::testConnection(info);
            }
        };
        auto services = std::make_shared<Recording>();
        m_wizard = std::make_unique<MigrationWizard>(services);
        m_wizard->show();
        project::Project p = SampleServices::sampleProject();
        p.source.passfile = QStringLiteral("/sandbox/pgpass");
        p.source.applicationName = QStringLiteral("pgferry-demo");
        m_wizard->setProject(p);
        m_wizard->next();
        QTest::mouseClick(find<QAbstractButton>("sourceTestConnection"), Qt::LeftButton);
        QTRY_COMPARE(services->tested.size(), 1);
        QCOMPARE(services->tested.first().passfile, QStringLiteral("/sandbox/pgpass"));
        QCOMPARE(services->tested.first().applicationName, QStringLiteral("pgferry-demo"));
        QCOMPARE(m_wizard->project().source.passfile, QStringLiteral("/sandbox/pgpass"));
    }

    // "Sign-in type: Microsoft Entra ID" on the target: no password field, a hint saying where the
    // token comes from, the project records it, and the connection test gets the token source
    // (never a password).
    void theTargetCanSignInWithEntraId()
    {
        struct FakeSource : pg::PasswordSource
        {
            QString password(QString *) override { return QStringLiteral("not-a-real-token"); }
            QString description() const override { return QStringLiteral("a fake token"); }
        };
        struct Recording : SampleServices
        {
            QList<pg::ConnInfo> tested;
            QList<project::Project> asked;
            std::shared_ptr<pg::PasswordSource> source = std::make_shared<FakeSource>();
            ConnectionCheck testConnection(const pg::ConnInfo &info) override
            {
                tested << info;
                return SampleServices::testConnection(info);
            }
            std::shared_ptr<pg::PasswordSource> entraTokenSource(const project::Project &p) override
            {
                asked << p;
                return source;
            }
        };
        auto services = std::make_shared<Recording>();
        m_wizard = std::make_unique<MigrationWizard>(services);
        m_wizard->show();
        m_wizard->setProject(SampleServices::sampleProject());
        m_wizard->setSourceCheck(SampleServices().testConnection({}));
        m_wizard->goToPage(MigrationWizard::TargetPage);
        find<QRadioButton>("targetKindPlain")->setChecked(true);
        auto *auth = find<QComboBox>("targetAuth");
        QVERIFY(auth->isVisible());
        QVERIFY(!find<QLabel>("targetEntraHint")->isVisible());
        QVERIFY(find<QLineEdit>("targetPassword")->isEnabled());
        find<QLineEdit>("targetUser")->setText(QStringLiteral("migrator@contoso.onmicrosoft.com"));
        find<QLineEdit>("targetPassword")->setText(QStringLiteral("typed"));
        auth->setCurrentIndex(auth->findData(QStringLiteral("entra")));
        QVERIFY(!find<QLineEdit>("targetPassword")->isEnabled());
        QVERIFY(!find<QCheckBox>("targetRememberPassword")->isEnabled());
        auto *hint = find<QLabel>("targetEntraHint");
        QVERIFY(hint->isVisible());
        QVERIFY(hint->text().contains(u"never stored"));
        QTest::mouseClick(find<QAbstractButton>("targetTestConnection"), Qt::LeftButton);
        QTRY_COMPARE(services->tested.size(), 1);
        const pg::ConnInfo ci = services->tested.first();
        QVERIFY(ci.password.isEmpty());
        QCOMPARE(ci.passwordSource, services->source);
        QCOMPARE(ci.user, QStringLiteral("migrator@contoso.onmicrosoft.com"));
        QCOMPARE(services->asked.size(), 1);
        QCOMPARE(services->asked.first().target.auth, project::Auth::Entra);
        QCOMPARE(m_wizard->project().target.auth, project::Auth::Entra);
        // The assessment and the engine get the same source, made once on the GUI thread.
        const Credentials credentials = m_wizard->credentials();
        QCOMPARE(credentials.targetPasswordSource, services->source);
        QVERIFY(credentials.targetPassword.isEmpty());
        QCOMPARE(services->asked.size(), 1);
        // Back to a password: the field is used again.
        auth->setCurrentIndex(auth->findData(QStringLiteral("password")));
        QVERIFY(find<QLineEdit>("targetPassword")->isEnabled());
        QVERIFY(!hint->isVisible());
        QCOMPARE(m_wizard->project().target.auth, project::Auth::Password);
        QVERIFY(!m_wizard->credentials().targetPasswordSource);
        QCOMPARE(m_wizard->credentials().targetPassword, QStringLiteral("typed"));
        // The source offers no such choice.
        m_wizard->goToPage(MigrationWizard::SourcePage);
        QVERIFY(!find<QComboBox>("sourceAuth")->isVisible());
    }

    void databasesNeedOneSelectedAndUniqueTargetNames()
    {
        m_wizard->setProject(SampleServices::sampleProject());
        m_wizard->setSourceCheck(SampleServices().testConnection({}));
        m_wizard->goToPage(MigrationWizard::DatabasesPage);
        auto *page = static_cast<DatabasesPage *>(m_wizard->currentPage());
        QTableWidget *t = page->table();
        QCOMPARE(t->rowCount(), 7); // more than four: no limit
        QVERIFY(page->isComplete());
        find<QAbstractButton>("selectNoDatabases")->click();
        QVERIFY(!page->isComplete());
        find<QAbstractButton>("selectAllDatabases")->click();
        QVERIFY(page->isComplete());
        t->item(0, DatabasesPage::TargetColumn)->setText(QStringLiteral("same"));
        t->item(1, DatabasesPage::TargetColumn)->setText(QStringLiteral("same"));
        QVERIFY(!page->isComplete());
        auto *error = find<QLabel>("databaseError");
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(u"same"));
        t->item(1, DatabasesPage::TargetColumn)->setText(QStringLiteral("other"));
        QVERIFY(page->isComplete());
        project::Project p = m_wizard->project();
        QCOMPARE(p.databases.size(), 7);
        QCOMPARE(p.databases[1].effectiveTarget(), QStringLiteral("other"));
    }

    void settingsRoundTripThroughThePages()
    {
        project::Project p = SampleServices::sampleProject();
        p.settings.jobs = 11;
        p.settings.indexJobs = 3;
        p.settings.schema.noAcl = true;
        p.settings.cutover.makeSourceReadOnly = false;
        p.settings.cutover.drainTimeoutSeconds = 123;
        m_wizard->setProject(p);
        const project::Project back = m_wizard->project();
        QCOMPARE(back.settings, p.settings);
        QCOMPARE(back.name, p.name);
        QCOMPARE(back.source, p.source);
        QCOMPARE(back.databases, p.databases);
        QCOMPARE(back.azure.migrationName, p.azure.migrationName);
    }

    // "Carry schema changes made on the source while streaming" is settings.schema.captureDdl
    // (schema.capture_ddl in the project file), on by default, and survives a save and a load.
    void theCaptureDdlCheckboxRoundTripsThroughTheProject()
    {
        auto *box = find<QCheckBox>("settingCaptureDdl");
        QVERIFY(project::SchemaOptions{}.captureDdl);
        project::Project p = SampleServices::sampleProject();
        m_wizard->setProject(p);
        QVERIFY(box->isChecked());
        QVERIFY(m_wizard->project().settings.schema.captureDdl);

        p.settings.schema.captureDdl = false;
        m_wizard->setProject(p);
        m_wizard->goToPage(MigrationWizard::SettingsPage);
        QVERIFY(box->isVisible());
        QVERIFY(box->text().contains(u"schema changes"));
        QVERIFY(!box->isChecked());
        QVERIFY(!m_wizard->project().settings.schema.captureDdl);

        // Turned on by the user: stored, saved as schema.capture_ddl, loaded back into the box.
        QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
        QVERIFY(box->isChecked());
        project::Project edited = m_wizard->project();
        QVERIFY(edited.settings.schema.captureDdl);
        QCOMPARE(edited.settings.jobs, p.settings.jobs); // nothing else moved
        // And off again, through the project file.
        box->setChecked(false);
        edited = m_wizard->project();
        const QByteArray json = project::serializeProject(edited);
        QCOMPARE(QJsonDocument::fromJson(json).object()[u"settings"][u"schema"][u"capture_ddl"].toBool(true),
                 false);
        const project::LoadResult loaded = project::parseProject(json);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errors.join(u'\n')));
        QCOMPARE(loaded.project->settings.schema, edited.settings.schema);
        project::Project reloaded = *loaded.project;
        m_wizard->setProject(reloaded);
        QVERIFY(!box->isChecked());
        reloaded.settings.schema.captureDdl = true;
        m_wizard->setProject(reloaded);
        QVERIFY(box->isChecked());

        // Restore defaults turns it back on.
        box->setChecked(false);
        find<QAbstractButton>("settingsDefaults")->click();
        QVERIFY(box->isChecked());
    }
};

QTEST_MAIN(TestWizardPages)
#include "tst_wizardpages.moc"
