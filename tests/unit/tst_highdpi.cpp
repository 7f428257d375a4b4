// High-DPI (issue 8 §3): with QT_SCALE_FACTOR=2 (offscreen), a grabbed window has device pixel
// ratio 2 and twice the pixels, the SVG application icon and the status icons render at the
// device size rather than being scaled up, and a 2x screenshot of the console is saved to look at.
#include "models/statuscolors.h"
#include "testsupport.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QTest>

using namespace vigil;

class TestHighDpi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void grabsAtTwiceThePixels()
    {
        QCOMPARE(qApp->devicePixelRatio(), 2.0);
        QCOMPARE(QGuiApplication::highDpiScaleFactorRoundingPolicy(),
                 Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
        QTemporaryDir dir;
        ui::MainWindow w(nullptr, dir.filePath(QStringLiteral("vigil.sqlite")));
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QPixmap shot = w.grab();
        QCOMPARE(shot.devicePixelRatio(), 2.0);
        // Twice the window's size in logical pixels (it may be taller than asked: minimum sizes).
        QCOMPARE(shot.size(), w.size() * 2);
        const QString png = test::outputDir() + QStringLiteral("/overview-2x.png");
        QVERIFY(shot.save(png));
        qInfo("screenshot: %s", qPrintable(png));
    }

    void iconsRenderAtDeviceSize()
    {
        // The application icon is an SVG: drawn at 128 device pixels for a 64 px slot at 2x.
        const QIcon app(QStringLiteral(":/icons/vigil.svg"));
        QVERIFY(!app.isNull());
        const QPixmap big = app.pixmap(QSize(64, 64), 2.0);
        QCOMPARE(big.size(), QSize(128, 128));
        QCOMPARE(big.devicePixelRatio(), 2.0);
        // Status icons come in 16..48 px; a 16 px slot at 2x takes the 32 px drawing.
        const QPixmap status = statusIcon(StatusLevel::Fail).pixmap(QSize(16, 16), 2.0);
        QCOMPARE(status.size(), QSize(32, 32));
        QCOMPARE(status.devicePixelRatio(), 2.0);
        // Drawn, not empty: the centre pixel carries the status colour.
        QCOMPARE(status.toImage().pixelColor(16, 16).rgb(), statusColor(StatusLevel::Fail).rgb());
    }
};

int main(int argc, char** argv)
{
    // Both must be in place before the QApplication exists, as main.cpp does for the console.
    qputenv("QT_SCALE_FACTOR", "2");
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    TestHighDpi t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_highdpi.moc"
