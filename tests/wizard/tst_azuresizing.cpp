// The Target page's create-server form sized from the source: opening the form measures the source
// in the background through WizardServices::recommendServerSize (core/azure/sizing, as `pgferry-cli
// azure size`), pre-fills the compute (tier and SKU) and the storage, and lists each figure's reason.
// A source that cannot be measured says why and leaves the form as it was. Sample services, offscreen.
#include "azurepanel.h"
#include "migrationwizard.h"
#include "sampleservices.h"
#include "widgetfind.h"

#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace pgferry;
using namespace pgferry::wizard;

namespace {
// Sample services that record the thread the measurement ran on, and can fail it.
struct Recording : SampleServices
{
    std::atomic<QThread *> thread{nullptr};
    std::atomic_int calls{0};
    QString failWith;
    SizingResult recommendServerSize(const project::Project &p, const Credentials &c,
                                     std::chrono::milliseconds sample) override
    {
        thread = QThread::currentThread();
        ++calls;
        if (!failWith.isEmpty())
            return {failWith, {}};
        return SampleServices::recommendServerSize(p, c, sample);
    }
};
} // namespace

class TestAzureSizing : public QObject
{
    Q_OBJECT
    std::shared_ptr<Recording> m_services;
    std::unique_ptr<MigrationWizard> m_wizard;

    template<typename T> T *find(const char *name) { return test::findNamed<T>(m_wizard.get(), name); }

private Q_SLOTS:
    void init()
    {
        m_services = std::make_shared<Recording>();
        m_wizard = std::make_unique<MigrationWizard>(m_services);
        m_wizard->setProject(SampleServices::sampleProject());
        m_wizard->goToPage(MigrationWizard::TargetPage);
        find<QRadioButton>("targetKindAzure")->setChecked(true);
        m_wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    }
    void cleanup() { m_wizard.reset(); }

    void openingTheCreateFormRecommendsTheServerWithItsReasons()
    {
        const azure::SizeRecommendation expected =
            SampleServices().recommendServerSize({}, {}, std::chrono::seconds(10)).recommendation;
        QVERIFY(!expected.sku.isEmpty());
        QLabel *sizing = find<QLabel>("azureSizing");
        QVERIFY(!sizing->isVisibleTo(m_wizard.get()));
        find<QGroupBox>("azureCreateBox")->setChecked(true);
        QVERIFY(sizing->isVisibleTo(m_wizard.get()));
        QTRY_VERIFY(sizing->accessibleDescription().startsWith(u"Recommended"));
        QCOMPARE(m_services->calls.load(), 1);
        QVERIFY(m_services->thread.load() != QThread::currentThread()); // measured off the GUI thread

        QCOMPARE(find<QComboBox>("azureNewSku")->currentData().toString(), expected.sku);
        QVERIFY(sizing->text().contains(expected.tier)); // the tier follows from the SKU (Standard_B, _D, _E)
        QCOMPARE(find<QSpinBox>("azureNewStorage")->value(), expected.storageGb);
        for (const QString &why : expected.reasons)
            QVERIFY2(sizing->accessibleDescription().contains(why), qPrintable(why));
        QVERIFY(sizing->text().contains(expected.sku));

        // Closing and opening the form again keeps what was measured; the button measures again.
        find<QGroupBox>("azureCreateBox")->setChecked(false);
        find<QGroupBox>("azureCreateBox")->setChecked(true);
        QCOMPARE(m_services->calls.load(), 1);
        QPushButton *again = find<QPushButton>("azureRecommendSize");
        QVERIFY(again->isEnabled());
        again->click();
        QTRY_COMPARE(m_services->calls.load(), 2);
        QTRY_VERIFY(find<QPushButton>("azureRecommendSize")->isEnabled());
    }

    void aSourceThatCannotBeMeasuredSaysWhyAndLeavesTheForm()
    {
        m_services->failWith = QStringLiteral(
            "Cannot measure the source postgresql://migrator@db1:5432/postgres: connection refused");
        const QString sku = find<QComboBox>("azureNewSku")->currentData().toString();
        const int storage = find<QSpinBox>("azureNewStorage")->value();
        find<QGroupBox>("azureCreateBox")->setChecked(true);
        QLabel *sizing = find<QLabel>("azureSizing");
        QTRY_VERIFY(sizing->accessibleDescription().contains(u"connection refused"));
        QCOMPARE(find<QComboBox>("azureNewSku")->currentData().toString(), sku);
        QCOMPARE(find<QSpinBox>("azureNewStorage")->value(), storage);
        QVERIFY(find<QPushButton>("azureRecommendSize")->isEnabled()); // try again
    }
};

QTEST_MAIN(TestAzureSizing)
#include "tst_azuresizing.moc"
