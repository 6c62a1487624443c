// High-DPI: with QT_SCALE_FACTOR=2 (device pixel ratio 2, as on a 4K laptop screen at 200 %)
// every page renders at twice the pixel size of its layout, with no warning from Qt (an icon
// or pixmap that had to be scaled up, a painter on the wrong device, …), and the drawn icons
// use the extra pixels instead of being blown up from a small bitmap.
#include "icons.h"
#include "screenshots.h"

#include <QApplication>
#include <QFileInfo>
#include <QImage>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {
QStringList g_warnings;
QtMessageHandler g_previous = nullptr;

void collect(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    // The offscreen platform cannot resize native windows; that is the test bed, not the app.
    if (type >= QtWarningMsg && !message.contains(u"does not support propagateSizeHints"))
        g_warnings << message;
    g_previous(type, context, message);
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}
} // namespace

class TestScreenshotsHiDpi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theScreenHasPixelRatioTwo() { QCOMPARE(qApp->devicePixelRatio(), 2.0); }

    void everyPageRendersAtTwiceThePixelSizeWithoutWarnings()
    {
        QTemporaryDir dir;
        QString error;
        g_warnings.clear();
        g_previous = qInstallMessageHandler(collect);
        const QStringList files = pgferry::wizard::renderScreenshots(dir.path(), &error);
        qInstallMessageHandler(g_previous);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(u'\n')));
        QCOMPARE(files.size(), 9);
        for (const QString &f : files) {
            const QImage img(f);
            QVERIFY2(!img.isNull(), qPrintable(f));
            // The screenshots lay the window out at 1180 × 840.
            QCOMPARE(img.size(), QSize(1180, 840) * 2);
            QVERIFY(QFileInfo(f).size() > 60000);
        }
    }

    void iconsAreDrawnForThePixelsTheyGet()
    {
        // A 16-pixel icon at ratio 2 is a 32-pixel drawing, not a 16-pixel one enlarged: its
        // edges carry as many anti-aliasing shades as a 32-pixel icon drawn directly.
        const QIcon icon = pgferry::wizard::severityIcon(pgferry::wizard::Severity::Pass);
        const QPixmap pm = icon.pixmap(QSize(16, 16), 2.0);
        QCOMPARE(pm.size(), QSize(32, 32));
        QCOMPARE(pm.devicePixelRatio(), 2.0);
        const QImage direct = icon.pixmap(QSize(32, 32), 1.0).toImage();
        QImage drawn = pm.toImage().convertToFormat(direct.format());
        drawn.setDevicePixelRatio(1.0);
        QCOMPARE(drawn, direct);
        const QImage enlarged = icon.pixmap(QSize(16, 16), 1.0).toImage().scaled(32, 32);
        QVERIFY(distinctColours(direct) > distinctColours(enlarged));
    }
};

int main(int argc, char *argv[])
{
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    TestScreenshotsHiDpi test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_screenshotshidpi.moc"
