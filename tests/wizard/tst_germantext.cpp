// The wizard in German shows no English: with pgferry_de loaded as the application loads it, every
// page (filled from the sample services, as tst_keyboard shows them) is walked, and the visible
// texts of labels, buttons, check boxes, group boxes, tab titles, list items, table headers, the
// menus and the window title are compared to the English source strings that have no German
// translation. A visible text that is such a source (with its %1 arguments filled in) fails the
// test, naming the page and the text. The German mnemonics are unique on each page, as the
// English ones are (tst_keyboard).
//
// Which sources lack a translation is asked of the German catalogue itself: a probe translator,
// installed last so that Qt asks it first, notes every pgferry string the wizard looks up whose
// German translation is missing, and answers nothing so that the lookup goes on as usual.
#include "azurepanel.h"
#include "connectionform.h"
#include "guiapp.h"
#include "mainwindow.h"
#include "migrationwizard.h"
#include "sampleservices.h"
#include "sourcepage.h"
#include "targetpage.h"
#include "widgetfind.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabBar>
#include <QTest>
#include <QTranslator>

#include <optional>

using namespace pgferry;
using namespace pgferry::wizard;
using PageId = MigrationWizard::PageId;

namespace {

// Texts that are the same in German and need no entry in the catalogue: the product's and
// Microsoft's names. Everything else a person reads is translated, even when the German word is
// the English one ("Status"): the catalogue then says so.
const QStringList kSameInGerman{QStringLiteral("pgferry"), QStringLiteral("PostgreSQL"),
                                QStringLiteral("Azure"), QStringLiteral("Microsoft Entra ID")};

class UntranslatedProbe : public QTranslator
{
public:
    explicit UntranslatedProbe(const QTranslator *german) : m_german(german) {}
    bool isEmpty() const override { return false; }
    QString translate(const char *context, const char *sourceText, const char *disambiguation,
                      int n) const override
    {
        if (context && sourceText && QByteArray(context).startsWith("pgferry") && *sourceText &&
            m_german->translate(context, sourceText, disambiguation, n).isEmpty())
            m_missing.insert(QString::fromUtf8(sourceText));
        return {};
    }
    const QSet<QString> &missing() const { return m_missing; }

private:
    const QTranslator *m_german;
    mutable QSet<QString> m_missing;
};

// A source as a pattern of what it shows once its arguments are filled in; invalid when the
// source has fewer than two letters of its own (e.g. "%1 (%2)": nothing to translate): nullopt.
std::optional<QRegularExpression> shownAs(const QString &source)
{
    static const QRegularExpression placeholder(QStringLiteral("%L?(\\d+|n)"));
    QString pattern;
    QString literals;
    qsizetype at = 0;
    for (auto it = placeholder.globalMatch(source); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        literals += source.mid(at, m.capturedStart() - at);
        pattern +=
            QRegularExpression::escape(source.mid(at, m.capturedStart() - at)) + QStringLiteral("(.*)");
        at = m.capturedEnd();
    }
    literals += source.mid(at);
    pattern += QRegularExpression::escape(source.mid(at));
    const auto letters =
        std::count_if(literals.begin(), literals.end(), [](QChar c) { return c.isLetter(); });
    if (letters < 2)
        return std::nullopt;
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern),
                              QRegularExpression::DotMatchesEverythingOption);
}

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

void addMenuTexts(const QMenu *menu, QStringList &out)
{
    for (const QAction *a : menu->actions()) {
        if (a->isSeparator())
            continue;
        out << a->text();
        if (a->menu())
            addMenuTexts(a->menu(), out);
    }
}

} // namespace

class TestGermanText : public QObject
{
    Q_OBJECT
    std::unique_ptr<MainWindow> m_window;
    QTranslator m_german; // the catalogue, to ask what it lacks
    std::unique_ptr<UntranslatedProbe> m_probe;

    MigrationWizard *wizard() const { return m_window->wizard(); }

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

    // The texts a person sees in the window now, with what shows them.
    QList<std::pair<QString, QString>> visibleTexts() const
    {
        QList<std::pair<QString, QString>> out;
        const auto add = [&out](const QString &text, const QString &where) {
            if (!text.trimmed().isEmpty())
                out.append({text, where});
        };
        add(m_window->windowTitle(), QStringLiteral("window title"));
        QStringList menu;
        for (const QAction *a : m_window->menuBar()->actions()) {
            menu << a->text();
            if (a->menu())
                addMenuTexts(a->menu(), menu);
        }
        for (const QString &t : std::as_const(menu))
            add(t, QStringLiteral("menu"));
        for (const QWidget *w : m_window->findChildren<QWidget *>()) {
            if (!w->isVisibleTo(m_window.get()))
                continue;
            const QString where = QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName();
            if (const auto *l = qobject_cast<const QLabel *>(w))
                add(l->text(), where);
            else if (const auto *b = qobject_cast<const QAbstractButton *>(w))
                add(b->text(), where);
            else if (const auto *g = qobject_cast<const QGroupBox *>(w))
                add(g->title(), where);
            else if (const auto *e = qobject_cast<const QLineEdit *>(w); e && e->text().isEmpty())
                add(e->placeholderText(), where + QStringLiteral(" (placeholder)"));
            if (const auto *t = qobject_cast<const QTabBar *>(w))
                for (int i = 0; i < t->count(); ++i)
                    if (t->isTabVisible(i))
                        add(t->tabText(i), where);
            if (const auto *list = qobject_cast<const QListWidget *>(w))
                for (int i = 0; i < list->count(); ++i)
                    add(list->item(i)->text(), where);
            if (const auto *v = qobject_cast<const QAbstractItemView *>(w); v && v->model())
                for (int c = 0; c < v->model()->columnCount(); ++c)
                    add(v->model()->headerData(c, Qt::Horizontal).toString(),
                        where + QStringLiteral(" (header)"));
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("pgferry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_germantext"));
        QVERIFY(installTranslation(*qApp, QStringLiteral("de")));
        QVERIFY(m_german.load(QStringLiteral(":/i18n/pgferry_de")));
        m_probe = std::make_unique<UntranslatedProbe>(&m_german);
        QVERIFY(QCoreApplication::installTranslator(m_probe.get()));
        // The probe works: a known string is translated, and it hears of one that is not.
        QCOMPARE(MigrationWizard::tr("Project"), QStringLiteral("Projekt"));
        QCOMPARE(QCoreApplication::translate("pgferry::wizard::MigrationWizard",
                                             "No such string in the catalogue"),
                 QStringLiteral("No such string in the catalogue"));
        QVERIFY(m_probe->missing().contains(QStringLiteral("No such string in the catalogue")));
        QVERIFY(shownAs(QStringLiteral("Could not follow the run in progress: %1"))
                    ->match(QStringLiteral("Could not follow the run in progress: x"))
                    .hasMatch());
        QVERIFY(!shownAs(QStringLiteral("%1 (%2)")));
    }
    void cleanupTestCase() { QCoreApplication::removeTranslator(m_probe.get()); }
    void cleanup() { m_window.reset(); }

    void everyPageIsInGerman_data()
    {
        QTest::addColumn<int>("page");
        for (int id = 0; id < MigrationWizard::PageCount; ++id)
            QTest::newRow(qPrintable(MigrationWizard::pageName(PageId(id)))) << id;
    }
    void everyPageIsInGerman()
    {
        QFETCH(int, page);
        showPage(PageId(page));
        const QList<std::pair<QString, QString>> texts = visibleTexts();
        QVERIFY(texts.size() > 5);
        QStringList english;
        for (const QString &source : m_probe->missing()) {
            if (kSameInGerman.contains(source))
                continue;
            const std::optional<QRegularExpression> shown = shownAs(source);
            if (!shown)
                continue;
            for (const auto &[text, where] : texts)
                if (shown->match(text).hasMatch())
                    english << QStringLiteral("\"%1\" (%2)").arg(text, where);
        }
        english.removeDuplicates();
        QVERIFY2(
            english.isEmpty(),
            qPrintable(
                QStringLiteral("untranslated on the %1 page: ").arg(MigrationWizard::pageName(PageId(page))) +
                english.join(QStringLiteral("; "))));
    }

    void germanMnemonicsAreUniqueOnEveryPage_data() { everyPageIsInGerman_data(); }
    void germanMnemonicsAreUniqueOnEveryPage()
    {
        QFETCH(int, page);
        showPage(PageId(page));
        QWidget *pageWidget = wizard()->currentPage();
        QMultiHash<QChar, QString> owners;
        for (QAction *a : m_window->menuBar()->actions())
            owners.insert(mnemonic(a->text()), QStringLiteral("menu ") + a->text());
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
                     l && l->textFormat() != Qt::RichText && !Qt::mightBeRichText(l->text()))
                text = l->text();
            else if (auto *t = qobject_cast<QTabBar *>(w))
                for (int i = 0; i < t->count(); ++i)
                    if (t->isTabVisible(i))
                        owners.insert(mnemonic(t->tabText(i)), t->tabText(i));
            owners.insert(mnemonic(text), text);
        }
        owners.remove(QChar());
        QStringList clashes;
        for (const QChar c : owners.uniqueKeys())
            if (owners.count(c) > 1)
                clashes << QStringLiteral("%1: %2").arg(
                    c, QStringList(owners.values(c)).join(QStringLiteral(", ")));
        // With every letter taken, so that a translator sees which are free.
        QStringList taken;
        for (const QChar c : owners.uniqueKeys())
            taken << QStringLiteral("%1 (%2)").arg(c,
                                                   QStringList(owners.values(c)).join(QStringLiteral(", ")));
        taken.sort();
        QVERIFY2(clashes.isEmpty(),
                 qPrintable(clashes.join(QStringLiteral("; ")) + QStringLiteral("\n   taken: ") +
                            taken.join(QStringLiteral("; "))));
    }
};

QTEST_MAIN(TestGermanText)
#include "tst_germantext.moc"
