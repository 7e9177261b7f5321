// A Mandelbrot explorer on FastThreadPool: the picture is cut into tiles that a Pool renders
// in its threads; the tiles come back to the GUI thread through the pool's resultsReady()
// signal, a coarse pass first and then full resolution; zooming or resizing cancels the
// old view's tiles, queued and running; a progress bar follows completedChanged() and
// cancelledChanged().
//
//   mandelbrot                           explore: wheel or click to zoom, Home to start over
//   mandelbrot --screenshot out.png      render, save the window, quit (no display needed
//                                        with QT_QPA_PLATFORM=offscreen)
//   mandelbrot --view=-0.7453,0.1127,0.006 --screenshot out.png   another part of the plane
//                                        (the picture in docs/images/mandelbrot.png)
#include "mainwindow.h"
#include "mandelbrotwidget.h"
#include "screenshot.h"

#include <QtCore/qcommandlineparser.h>
#include <QtWidgets/qapplication.h>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("mandelbrot"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A Mandelbrot explorer on FastThreadPool."));
    parser.addHelpOption();
    const QCommandLineOption screenshot(
            QStringLiteral("screenshot"),
            QStringLiteral("Render the view, save the window as a PNG to <file> and quit."),
            QStringLiteral("file"));
    const QCommandLineOption view(QStringLiteral("view"),
                                  QStringLiteral("Show the plane around (x, y), <width> across."),
                                  QStringLiteral("x,y,width"));
    parser.addOption(screenshot);
    parser.addOption(view);
    parser.process(app);

    MainWindow window;
    if (parser.isSet(view)) {
        const QStringList parts = parser.value(view).split(QLatin1Char(','));
        bool ok = parts.size() == 3;
        double numbers[3] = {};
        for (qsizetype i = 0; ok && i < 3; ++i)
            numbers[i] = parts[i].toDouble(&ok);
        if (!ok || numbers[2] <= 0) {
            std::fprintf(stderr, "mandelbrot: --view wants x,y,width, e.g. --view=-0.6,0,3.4\n");
            return 2;
        }
        window.view()->setView(QPointF(numbers[0], numbers[1]), numbers[2]);
    }
    if (parser.isSet(screenshot))
        saveWhenRendered(window, parser.value(screenshot));

    window.resize(800, 600);
    window.show();
    return app.exec();
}
