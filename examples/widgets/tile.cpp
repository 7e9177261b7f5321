// The Mandelbrot computation: escape-time iteration with smooth colouring. Any thread may
// call renderTile(); run as a pool's job, it stops early when a cancel reaches it.
#include "tile.h"

#include <fastthreadpool/thisjob.h>

#include <QtGui/qcolor.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace {

constexpr int kPaletteSize = 2048;
using Palette = std::array<QRgb, kPaletteSize>;

// A cyclic gradient (deep blue, sky, white, orange, black); interpolated once, read by every
// thread. A function-local static is initialised exactly once even when threads race to it.
const Palette &palette()
{
    static const Palette colours = [] {
        struct Stop
        {
            double at;
            QColor colour;
        };
        const std::array<Stop, 6> stops{{{0.0, QColor(0, 7, 100)},
                                         {0.16, QColor(32, 107, 203)},
                                         {0.42, QColor(237, 255, 255)},
                                         {0.6425, QColor(255, 170, 0)},
                                         {0.8575, QColor(0, 2, 0)},
                                         {1.0, QColor(0, 7, 100)}}};
        Palette table{};
        for (int i = 0; i < kPaletteSize; ++i) {
            const double t = double(i) / kPaletteSize;
            std::size_t s = 0;
            while (stops[s + 1].at < t)
                ++s;
            const Stop &a = stops[s];
            const Stop &b = stops[s + 1];
            const double f = (t - a.at) / (b.at - a.at);
            auto mix = [f](int x, int y) { return int(std::lround(x + (y - x) * f)); };
            table[std::size_t(i)] = qRgb(mix(a.colour.red(), b.colour.red()),
                                         mix(a.colour.green(), b.colour.green()),
                                         mix(a.colour.blue(), b.colour.blue()));
        }
        return table;
    }();
    return colours;
}

// Deeper views need more iterations before the boundary shows its detail.
int iterationBudget(double scale)
{
    const double zoom = std::max(1.0, 0.004 / scale);
    return int(300 + 200 * std::log2(zoom));
}

// The colour of one point: black inside the set, else a palette entry chosen by the smooth
// (fractional) escape count, so that bands blend instead of stepping.
QRgb colourAt(double cx, double cy, int maxIterations)
{
    // Inside the main cardioid or the period-2 bulb: skip the iteration (a big part of the
    // initial view, and the slowest pixels).
    const double qx = cx - 0.25;
    const double q = qx * qx + cy * cy;
    if (q * (q + qx) <= 0.25 * cy * cy || (cx + 1) * (cx + 1) + cy * cy <= 1.0 / 16)
        return qRgb(0, 0, 0);

    constexpr double kEscape = 256.0; // a large radius makes the smooth count accurate
    double x = 0, y = 0, x2 = 0, y2 = 0;
    int n = 0;
    for (; n < maxIterations && x2 + y2 <= kEscape; ++n) {
        y = 2 * x * y + cy;
        x = x2 - y2 + cx;
        x2 = x * x;
        y2 = y * y;
    }
    if (n == maxIterations)
        return qRgb(0, 0, 0);
    const double smooth = n + 1 - std::log2(0.5 * std::log(x2 + y2));
    // The square root spreads the colours evenly from the outer bands to the deep ones.
    const double t = std::sqrt(std::max(smooth, 0.0)) * 0.12;
    const auto index = std::size_t((t - std::floor(t)) * kPaletteSize) % kPaletteSize;
    return palette()[index];
}

} // namespace

Tile renderTile(const Viewport &view, const TileSpec &spec)
{
    const int step = spec.step;
    const int width = (spec.rect.width() + step - 1) / step;
    const int height = (spec.rect.height() + step - 1) / step;
    const int maxIterations = iterationBudget(view.scale);

    QImage image(width, height, QImage::Format_RGB32);
    for (int row = 0; row < height; ++row) {
        // A zoom or a closing window stops the tile here: it ends cancelled, not failed.
        FastThreadPool::ThisJob::checkCancelled();
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(row));
        for (int column = 0; column < width; ++column) {
            // Sample the centre of the step x step block this pixel stands for.
            const QPointF pixel(spec.rect.left() + (column + 0.5) * step,
                                spec.rect.top() + (row + 0.5) * step);
            const QPointF c = view.toPlane(pixel);
            line[column] = colourAt(c.x(), c.y(), maxIterations);
        }
    }
    return Tile{spec, image};
}
