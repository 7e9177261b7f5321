#include "screenshot.h"

#include "mainwindow.h"
#include "mandelbrotwidget.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qset.h>
#include <QtCore/qtimer.h>
#include <QtGui/qimage.h>
#include <QtGui/qpixmap.h>

#include <cstdio>
#include <memory>

namespace {

// A picture of the set has hundreds of colours; a blank or black one a handful.
constexpr int kMinColours = 16;

int distinctColours(const QImage &picture)
{
    const QImage image = picture.convertToFormat(QImage::Format_RGB32);
    QSet<QRgb> seen;
    for (int y = 0; y < image.height() && seen.size() < kMinColours; ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            seen.insert(line[x]);
    }
    return int(seen.size());
}

void fail(const QString &message)
{
    std::fprintf(stderr, "mandelbrot: %s\n", qPrintable(message));
    QCoreApplication::exit(1);
}

void save(MainWindow &window, const QString &file)
{
    // Judge the picture alone: the status bar's text has enough colours to hide a blank one.
    const int colours = distinctColours(window.view()->grab().toImage());
    if (colours < kMinColours)
        return fail(QStringLiteral("the picture is blank (%1 colours)").arg(colours));
    if (!window.grab().save(file, "PNG"))
        return fail(QStringLiteral("cannot write %1").arg(file));
    std::printf("mandelbrot: saved %s\n", qPrintable(file));
    QCoreApplication::exit(0);
}

} // namespace

void saveWhenRendered(MainWindow &window, const QString &file, int timeoutMs)
{
    MandelbrotWidget *view = window.view();
    FastThreadPool::Pool *pool = &view->pool();
    // Saved when both are true: every tile of the view is painted (the widget's own count,
    // exact for this view) and the pool said idle() since the view started (the counting
    // signals come before idle(), so the progress bar in the picture shows the end). A
    // resize restarts the view, and the wait with it.
    struct State
    {
        bool idle = false;
        bool saved = false;
    };
    auto state = std::make_shared<State>();
    auto trySave = [&window, file, state] {
        if (state->idle && !state->saved && window.view()->isComplete()) {
            state->saved = true;
            save(window, file);
        }
    };
    QObject::connect(view, &MandelbrotWidget::viewStarted, &window,
                     [state] { state->idle = false; });
    QObject::connect(pool, &FastThreadPool::Pool::idle, &window, [state, trySave] {
        state->idle = true;
        trySave();
    });
    QObject::connect(view, &MandelbrotWidget::viewCompleted, &window, trySave);
    QTimer::singleShot(timeoutMs, &window, [timeoutMs, state] {
        if (!state->saved)
            fail(QStringLiteral("rendering did not finish within %1 s").arg(timeoutMs / 1000));
    });
}
