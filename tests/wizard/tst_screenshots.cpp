// `pgferry --screenshots DIR` writes one non-empty PNG per page, named NN-<page>.png, in light
// and dark palettes.
#include "screenshots.h"

#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

class TestScreenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyPageIsRendered_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void everyPageIsRendered()
    {
        QFETCH(bool, dark);
        QTemporaryDir dir;
        QString error;
        const QStringList files = pgferry::wizard::renderScreenshots(dir.path(), &error, dark);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QStringList names{
            QStringLiteral("01-project"),   QStringLiteral("02-source"),   QStringLiteral("03-target"),
            QStringLiteral("04-databases"), QStringLiteral("05-settings"), QStringLiteral("06-summary"),
            QStringLiteral("07-monitor"),   QStringLiteral("08-cutover"),  QStringLiteral("09-done")};
        QCOMPARE(files.size(), names.size());
        for (int i = 0; i < names.size(); ++i) {
            QCOMPARE(QFileInfo(files[i]).fileName(), names[i] + QStringLiteral(".png"));
            QImage img(files[i]);
            QVERIFY2(!img.isNull(), qPrintable(files[i]));
            QVERIFY(img.width() >= 1000 && img.height() >= 700);
            QVERIFY(QFileInfo(files[i]).size() > 20000); // a page, not a blank
        }
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
