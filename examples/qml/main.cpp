// A QtQuick app whose JavaScript work runs on a FastThreadPool ThreadPool: it counts primes
// in ranges, one JavaScript job per range, on every core.
//   qmlprimes [--screenshot FILE]
// --screenshot starts the count at once, saves the window to FILE when every range is
// done, and quits: a headless smoke run (QT_QPA_PLATFORM=offscreen).
#include <QtCore/qcommandlineparser.h>
#include <QtCore/qtimer.h>
#include <QtGui/qguiapplication.h>
#include <QtGui/qimage.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQuick/qquickwindow.h>

#include <cstdio>

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({"screenshot", "Run once, save the window to FILE, quit.", "FILE"});
    parser.process(app);
    const QString screenshot = parser.value("screenshot");
    if (!screenshot.isEmpty()) // no GPU needed for the headless run
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral(FASTTHREADPOOL_QML_IMPORT_DIR)); // the build tree
    engine.setInitialProperties({{"autoStart", !screenshot.isEmpty()}});
    engine.load(QUrl(QStringLiteral("qrc:/qmlprimes/main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!screenshot.isEmpty() && window) {
        QObject::connect(window, SIGNAL(allDone()), &app, SLOT(quit())); // saved below
        QTimer::singleShot(60000, &app, [] { // never hang a CI run
            std::fprintf(stderr, "qmlprimes: the count did not finish in 60 s\n");
            QCoreApplication::exit(2);
        });
        const int code = app.exec();
        if (code != 0)
            return code;
        const QImage image = window->grabWindow();
        if (image.isNull() || !image.save(screenshot)) {
            std::fprintf(stderr, "qmlprimes: cannot save %s\n", qPrintable(screenshot));
            return 3;
        }
        return 0;
    }
    return app.exec();
}
