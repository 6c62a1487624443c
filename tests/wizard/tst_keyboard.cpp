// The wizard by keyboard alone: on every page Tab reaches every input, and each one it reaches
// has an accessible name without the mnemonic's '&'; mnemonics are unique on a page (with the
// menu bar and the wizard's buttons) and a label's mnemonic moves focus to its field; the wizard
// goes from Project to Summary with Tab, Alt+letter and Enter only; the assessment's report and
// fix script are exported, read and saved by keys; F1 lists the shortcuts and Ctrl+S saves the project.
#include "azurepanel.h"
#include "connectionform.h"
#include "coreservices.h"
#include "fixscriptdialog.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "sampleservices.h"
#include "shortcutsdialog.h"
#include "sourcepage.h"
#include "targetpage.h"
#include "widgetfind.h"

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace pgferry;
using namespace pgferry::wizard;
using PageId = MigrationWizard::PageId;

namespace {

// The letter after a single '&' ("Sa&ve" → 'v'), or a null QChar.
QChar mnemonic(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != u'&')
            continue;
        if (text[i + 1] == u'&') {
            ++i;
            continue;
        }
        return text[i + 1].toLower();
    }
    return {};
}

// Parts of composite widgets (a spin box's line edit, a view's viewport) are not stops of their own.
bool isInternal(const QWidget *w)
{
    if (w->objectName().startsWith(u"qt_"))
        return true;
    for (const QWidget *p = w->parentWidget(); p; p = p->parentWidget())
        if (qobject_cast<const QComboBox *>(p) || qobject_cast<const QAbstractSpinBox *>(p) ||
            qobject_cast<const QAbstractItemView *>(p) || qobject_cast<const QTabBar *>(p))
            return true;
    return false;
}

QString describe(const QWidget *w)
{
    return QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName();
}

Qt::Key letterKey(QChar c)
{
    return Qt::Key(Qt::Key_A + (c.toLower().unicode() - u'a'));
}

} // namespace

class TestKeyboard : public QObject
{
    Q_OBJECT
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_tmp;

    MigrationWizard *wizard() const { return m_window->wizard(); }

    // The window on `id`, filled as after a user tested both servers and the assessment ran.
    void showPage(PageId id)
    {
        auto services = std::make_shared<SampleServices>();
        m_window = std::make_unique<MainWindow>(services);
        MigrationWizard *w = wizard();
        const project::Project p = SampleServices::sampleProject();
        w->setProject(p);
        w->setSourceCheck(services->testConnection(p.source.connInfo()));
        w->setTargetCheck(services->testConnection(p.target.connInfo()));
        static_cast<SourcePage *>(w->pageAt(PageId::SourcePage))
            ->form()
            ->setTestState(ConnectionForm::TestState::Ok, QStringLiteral("ok"));
        static_cast<TargetPage *>(w->pageAt(PageId::TargetPage))
            ->form()
            ->setTestState(ConnectionForm::TestState::Ok, QStringLiteral("ok"));
        w->setAssessment(SampleServices::sampleAssessment());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        if (id == PageId::TargetPage) { // signed in: the Azure pickers are there too
            auto *panel = static_cast<TargetPage *>(w->pageAt(PageId::TargetPage))->azurePanel();
            w->goToPage(id);
            test::findNamed<QPushButton>(panel, "azureSignIn")->click();
            QTRY_VERIFY(!panel->isBusy());
        }
        if (id == PageId::MonitorPage)
            w->showStatus(SampleServices::sampleStatus(1500));
        if (id == PageId::CutoverPage)
            w->showStatus(SampleServices::sampleStatus(6000));
        if (id == PageId::DonePage)
            w->showStatus(SampleServices::sampleCompletedStatus());
        w->goToPage(id);
        QCoreApplication::processEvents();
    }

    void addPageRows()
    {
        QTest::addColumn<int>("page");
        for (int id = 0; id < MigrationWizard::PageCount; ++id)
            QTest::newRow(qPrintable(MigrationWizard::pageName(PageId(id)))) << id;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("pgferry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_keyboard"));
    }
    void cleanup() { m_window.reset(); }

    void tabReachesEveryInputOfThePage_data() { addPageRows(); }
    void tabReachesEveryInputOfThePage()
    {
        QFETCH(int, page);
        showPage(PageId(page));
        QWidget *pageWidget = wizard()->currentPage();
        QList<QWidget *> expected;
        for (QWidget *w : pageWidget->findChildren<QWidget *>())
            if (w->isVisibleTo(m_window.get()) && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus) &&
                !isInternal(w))
                expected << w;
        QVERIFY2(!expected.isEmpty() || page == PageId::CutoverPage || page == PageId::DonePage,
                 "a page with nothing to type or press");

        // Tab as a user does, from the wizard's first button round to it again.
        QWidget *first = nullptr;
        for (QWizard::WizardButton b :
             {QWizard::BackButton, QWizard::NextButton, QWizard::CommitButton, QWizard::FinishButton})
            if (!first && wizard()->button(b)->isVisible() && wizard()->button(b)->isEnabled())
                first = wizard()->button(b);
        if (!first && !expected.isEmpty()) // a page that holds the wizard's buttons until it is done
            first = expected.first();
        QVERIFY(first);
        first->setFocus();
        QCOMPARE(QApplication::focusWidget(), first);
        QSet<QWidget *> reached{first};
        QList<QWidget *> reachedInOrder{first};
        int stayed = 0;
        for (int i = 0; i < 6 * expected.size() + 40; ++i) {
            QWidget *before = QApplication::focusWidget();
            QTest::keyClick(before, Qt::Key_Tab);
            QWidget *f = QApplication::focusWidget();
            QVERIFY(f);
            if (f == first)
                break; // round once
            // Tab may walk the links of a label or a text; it must not stay there for good.
            stayed = f == before ? stayed + 1 : 0;
            QVERIFY2(stayed < 30, qPrintable(u"Tab is trapped in "_qs + describe(f)));
            if (!reached.contains(f))
                reachedInOrder << f;
            reached.insert(f);
        }
        QVERIFY2(QApplication::focusWidget() == first, "Tab does not come round to where it started");
        // Tab stops at the checked button of a group of radio buttons; the arrow keys move within it.
        auto radioGroupReached = [&](QWidget *w) {
            auto *r = qobject_cast<QRadioButton *>(w);
            if (!r || !r->autoExclusive())
                return false;
            for (QRadioButton *other :
                 r->parentWidget()->findChildren<QRadioButton *>(Qt::FindDirectChildrenOnly))
                if (other->autoExclusive() && reached.contains(other))
                    return true;
            return false;
        };
        QStringList order;
        for (QWidget *w : std::as_const(reachedInOrder))
            order << describe(w);
        for (QWidget *w : expected)
            QVERIFY2(reached.contains(w) || radioGroupReached(w) ||
                         (w->focusProxy() && reached.contains(w->focusProxy())),
                     qPrintable(u"not reached by Tab: "_qs + describe(w) + u"; Tab went: "_qs +
                                order.join(u", "_qs)));
        for (QWidget *w : std::as_const(reached)) {
            if (!pageWidget->isAncestorOf(w))
                continue;
            QAccessibleInterface *a = QAccessible::queryAccessibleInterface(w);
            QVERIFY(a);
            const QString name = a->text(QAccessible::Name);
            QVERIFY2(!name.trimmed().isEmpty(), qPrintable(u"no accessible name: "_qs + describe(w)));
            QVERIFY2(!name.contains(u'&'),
                     qPrintable(u"a mnemonic in the accessible name: "_qs + describe(w) + u' ' + name));
        }
    }

    void mnemonicsAreUniqueAndLeadToTheirFields_data() { addPageRows(); }
    void mnemonicsAreUniqueAndLeadToTheirFields()
    {
        QFETCH(int, page);
        showPage(PageId(page));
        QWidget *pageWidget = wizard()->currentPage();
        QMultiHash<QChar, QString> owners;
        for (QAction *a : m_window->menuBar()->actions())
            owners.insert(mnemonic(a->text()), u"menu "_qs + a->text());
        QList<QLabel *> labels;
        for (QWidget *w : m_window->findChildren<QWidget *>()) {
            if (!w->isVisibleTo(m_window.get()) ||
                !(pageWidget->isAncestorOf(w) ||
                  (qobject_cast<QAbstractButton *>(w) && wizard()->isAncestorOf(w))))
                continue;
            QString text;
            if (auto *b = qobject_cast<QAbstractButton *>(w))
                text = b->text();
            else if (auto *g = qobject_cast<QGroupBox *>(w); g && g->isCheckable())
                text = g->title();
            else if (auto *l = qobject_cast<QLabel *>(w);
                     l && l->textFormat() != Qt::RichText && !Qt::mightBeRichText(l->text())) {
                text = l->text();
                if (!mnemonic(text).isNull())
                    labels << l;
            } else if (auto *t = qobject_cast<QTabBar *>(w)) {
                for (int i = 0; i < t->count(); ++i)
                    if (t->isTabVisible(i))
                        owners.insert(mnemonic(t->tabText(i)), t->tabText(i));
            }
            if (!mnemonic(text).isNull())
                owners.insert(mnemonic(text), text);
        }
        owners.remove(QChar());
        QStringList clashes;
        for (const QChar c : owners.uniqueKeys())
            if (owners.count(c) > 1)
                clashes << QStringLiteral("%1: %2").arg(c, QStringList(owners.values(c)).join(u", "_qs));
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u"; "_qs)));

        // A label's mnemonic moves the focus to its field.
        for (QLabel *l : std::as_const(labels)) {
            QWidget *buddy = l->buddy();
            QVERIFY2(buddy, qPrintable(u"a mnemonic without a field: "_qs + l->text()));
            QVERIFY2(buddy->focusPolicy() & Qt::TabFocus,
                     qPrintable(u"the field of "_qs + l->text() + u" takes no focus"));
            if (!buddy->isEnabled())
                continue;
            m_window->menuBar()->setFocus();
            QTest::keyClick(m_window.get(), letterKey(mnemonic(l->text())), Qt::AltModifier);
            QWidget *f = QApplication::focusWidget();
            QVERIFY2(f == buddy || (f && f->focusProxy() == buddy) || buddy->focusProxy() == f,
                     qPrintable(l->text() + u" leads to "_qs + (f ? describe(f) : u"nothing"_qs)));
        }
    }

    void theWizardGoesFromProjectToSummaryByKeyboardOnly()
    {
        m_window = std::make_unique<MainWindow>(std::make_shared<SampleServices>());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        auto type = [](const QString &text) { QTest::keyClicks(QApplication::focusWidget(), text); };
        auto press = [](Qt::Key key, Qt::KeyboardModifiers mods = {}) {
            QTest::keyClick(QApplication::focusWidget(), key, mods);
        };
        auto selectAll = [&] { press(Qt::Key_A, Qt::ControlModifier); };

        press(Qt::Key_M, Qt::AltModifier); // Na&me
        QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("projectName"));
        type(QStringLiteral("Orders by keyboard"));
        press(Qt::Key_Return);
        QCOMPARE(wizard()->currentId(), int(PageId::SourcePage));

        for (const auto *role : {"source", "target"}) {
            press(Qt::Key_O, Qt::AltModifier); // H&ost
            QCOMPARE(QApplication::focusWidget()->objectName(), QLatin1String(role) + u"Host"_qs);
            selectAll();
            type(QStringLiteral("db.example"));
            press(Qt::Key_Tab); // the port
            press(Qt::Key_Tab); // the user
            QCOMPARE(QApplication::focusWidget()->objectName(), QLatin1String(role) + u"User"_qs);
            selectAll();
            type(QStringLiteral("migrator"));
            press(Qt::Key_T, Qt::AltModifier); // &Test connection
            QTRY_VERIFY(wizard()->currentPage()->isComplete());
            if (wizard()->currentId() == PageId::SourcePage)
                QTRY_VERIFY(wizard()->assessment().ran);
            press(Qt::Key_Return);
        }
        QCOMPARE(wizard()->currentId(), int(PageId::DatabasesPage));
        press(Qt::Key_A, Qt::AltModifier); // Select &all
        QTRY_VERIFY(wizard()->currentPage()->isComplete());
        // A mnemonic presses its button as a click does, a moment later.
        press(Qt::Key_N, Qt::AltModifier); // &Next
        QTRY_COMPARE(wizard()->currentId(), int(PageId::SettingsPage));
        press(Qt::Key_N, Qt::AltModifier);
        QTRY_COMPARE(wizard()->currentId(), int(PageId::SummaryPage));
        QCOMPARE(wizard()->project().name, QStringLiteral("Orders by keyboard"));
        QCOMPARE(wizard()->project().source.host, QStringLiteral("db.example"));
        QCOMPARE(wizard()->project().target.user, QStringLiteral("migrator"));
        QVERIFY(!wizard()->project().databases.isEmpty());
        // And back.
        press(Qt::Key_B, Qt::AltModifier);
        QTRY_COMPARE(wizard()->currentId(), int(PageId::SettingsPage));
    }

    void theAssessmentIsExportedAndItsFixScriptReadByKeyboard()
    {
        showPage(PageId::SourcePage);
        QStringList saved;
        wizard()->setAskSavePath([&](const QString &, const QString &name, const QString &) {
            saved << m_tmp.filePath(name);
            return saved.last();
        });
        // Alt+E opens the export menu; J chooses JSON (the menu runs its own loop: answer from inside it).
        bool menuSeen = false;
        QTimer poll; // the menu opens a moment after the key (the button's animated click)
        poll.setInterval(20);
        connect(&poll, &QTimer::timeout, this, [&] {
            if (QWidget *menu = QApplication::activePopupWidget()) {
                poll.stop();
                menuSeen = true;
                QTest::keyClick(menu, Qt::Key_J);
            }
        });
        poll.start();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_E, Qt::AltModifier);
        QTRY_VERIFY(menuSeen);
        QTRY_COMPARE(saved.size(), 1);
        QVERIFY(saved.last().endsWith(u"-assessment.json"));
        QTRY_VERIFY(QFile::exists(saved.last()));

        // Alt+I shows the fix script; the keyboard reads it, copies it, saves it, closes it.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_I, Qt::AltModifier);
        FixScriptDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_window->findChild<FixScriptDialog *>()) && dialog->isVisible());
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(dialog->text()));
        QStringList order;
        for (int i = 0; i < 4; ++i) {
            QWidget *f = QApplication::focusWidget();
            QAccessibleInterface *a = QAccessible::queryAccessibleInterface(f);
            QVERIFY(a && !a->text(QAccessible::Name).isEmpty() && !a->text(QAccessible::Name).contains(u'&'));
            order << f->objectName();
            QTest::keyClick(f, Qt::Key_Tab);
        }
        QCOMPARE(order, (QStringList{u"fixScriptText"_qs, u"fixScriptCopy"_qs, u"fixScriptSave"_qs,
                                     u"fixScriptClose"_qs}));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_S, Qt::AltModifier); // &Save…
        QTRY_COMPARE(saved.size(), 2);
        QVERIFY(saved.last().endsWith(u"-fix-script.sql"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QTRY_VERIFY(!m_window->findChild<FixScriptDialog *>());
    }

    void f1ListsTheShortcutsAndCtrlSSavesTheProject()
    {
        auto services = std::make_shared<CoreServices>(); // writes the project file for real
        QSettings recent(m_tmp.filePath(QStringLiteral("recent.ini")), QSettings::IniFormat);
        services->setRecentSettings(&recent);
        m_window = std::make_unique<MainWindow>(services);
        const QString path = m_tmp.filePath(QStringLiteral("keys.pgferry"));
        int asked = 0;
        m_window->setAskPath([&](bool save) {
            ++asked;
            return save ? path : QString();
        });
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_F1);
        auto *dialog = m_window->findChild<ShortcutsDialog *>(QStringLiteral("shortcutsDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QStringList keys;
        for (int i = 0; i < dialog->list()->topLevelItemCount(); ++i)
            keys << dialog->list()->topLevelItem(i)->text(0);
        for (QKeySequence::StandardKey k :
             {QKeySequence::Save, QKeySequence::Open, QKeySequence::New, QKeySequence::HelpContents})
            QVERIFY2(keys.contains(QKeySequence(k).toString(QKeySequence::NativeText)),
                     qPrintable(keys.join(u", "_qs)));
        // Save As and Quit have keys where the platform names none.
        for (const char *action : {"actionSaveAs", "actionQuit"}) {
            const QKeySequence k = test::findNamed<QAction>(m_window.get(), action)->shortcut();
            QVERIFY2(!k.isEmpty(), action);
            QVERIFY2(keys.contains(k.toString(QKeySequence::NativeText)), action);
        }
        dialog->close();
        QTRY_VERIFY(!m_window->findChild<ShortcutsDialog *>(QStringLiteral("shortcutsDialog")));

        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        test::findNamed<QLineEdit>(m_window.get(), "projectName")->setFocus();
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("Saved by keys"));
        QVERIFY(m_window->isDirty());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_S, Qt::ControlModifier);
        QCOMPARE(asked, 1);
        QVERIFY(QFile::exists(path));
        QVERIFY(!m_window->isDirty());
        QCOMPARE(m_window->filePath(), QFileInfo(path).absoluteFilePath());
    }
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
