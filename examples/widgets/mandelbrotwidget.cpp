#include "mandelbrotwidget.h"

#include <QtGui/qevent.h>
#include <QtGui/qpainter.h>
#include <QtGui/qregion.h>

#include <algorithm>
#include <array>
#include <cmath>

using namespace FastThreadPool;

namespace {

// Device pixels per tile side: small enough that the first tiles show at once and a stale
// running tile ends quickly, large enough that a job is worth more than its overhead.
constexpr int kTileSize = 32;
// Samples per pixel side, pass by pass: 1/8 resolution first (1/64 of the work), then every
// pixel. The coarse pass fills the window almost at once; the full pass paints over it.
constexpr std::array kPassSteps{8, 1};
constexpr int kFinalPass = int(kPassSteps.size()) - 1;

constexpr QPointF kHomeCenter{-0.6, 0.0};
constexpr double kHomeWidth = 3.4;

// The tile grid of a view, the tiles nearest the centre first: the part the user looks at
// sharpens first.
std::vector<QRect> tileGrid(QSize size)
{
    std::vector<QRect> grid;
    const QRect bounds(QPoint(0, 0), size);
    for (int y = 0; y < size.height(); y += kTileSize) {
        for (int x = 0; x < size.width(); x += kTileSize)
            grid.push_back(QRect(x, y, kTileSize, kTileSize).intersected(bounds));
    }
    const QPointF middle = QRectF(bounds).center();
    auto distance = [middle](const QRect &r) {
        const QPointF d = QRectF(r).center() - middle;
        return QPointF::dotProduct(d, d);
    };
    std::ranges::stable_sort(grid, {}, distance);
    return grid;
}

} // namespace

MandelbrotWidget::MandelbrotWidget(QWidget *parent)
    : QWidget(parent), m_pool(PoolOptions{.childNamePrefix = QStringLiteral("Tiles")})
{
    setAttribute(Qt::WA_OpaquePaintEvent); // the canvas covers every pixel
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::CrossCursor);
    setView(kHomeCenter, kHomeWidth);

    // Batches rather than resultReady(): one repaint request per batch of up to 64 tiles.
    // Connecting makes the pool hand its results to this signal in the GUI thread, a few ms
    // at a time, so input and paint events still get through while tiles flood in.
    connect(&m_pool, &Pool::resultsReady, this, &MandelbrotWidget::showTiles);
    // Connected so that a failure is seen (and not kept in pool.failed() for nobody).
    connect(&m_pool, &Pool::jobFailed, this, [](JobId, const Failure &failure) {
        qWarning("A tile failed: %s", qPrintable(failure.toString()));
    });
}

// Running tiles stop within a row (renderTile() checks for the cancel): closing the window
// mid-render does not wait for them.
MandelbrotWidget::~MandelbrotWidget() { m_pool.cancelAll(CancelRunning::Yes); }

void MandelbrotWidget::setView(QPointF center, double width)
{
    Viewport view = m_view;
    view.center = center;
    if (view.size.isEmpty()) {
        m_view = view;
        m_requestedWidth = width; // the scale needs a width in pixels
        return;
    }
    view.scale = std::clamp(width / view.size.width(), Viewport::kMinScale, Viewport::kMaxScale);
    startView(view);
}

void MandelbrotWidget::startView(const Viewport &view)
{
    // After QCoreApplication::aboutToQuit the pool takes no jobs (submit() would throw).
    if (m_pool.isShutdown())
        return;

    // The old view's tiles are worthless now: drop the queued ones and stop the running ones
    // (they end cancelled within a row). A result already on its way carries the old
    // generation, and showTiles() ignores it.
    m_pool.cancelAll(CancelRunning::Yes);
    ++m_generation;

    // Until the coarse pass arrives, show the old picture stretched to where it lies now.
    QImage canvas(view.size, QImage::Format_RGB32);
    canvas.fill(Qt::black);
    if (!m_canvas.isNull()) {
        QPainter painter(&canvas);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(view.rectOf(m_view), m_canvas);
    }
    m_canvas = std::move(canvas);
    m_view = view;

    const std::vector<QRect> grid = tileGrid(view.size);
    m_shownPass.assign(grid.size(), -1);
    m_fullTilesLeft = int(grid.size());

    // Read before submitting: every job counted in it (the old view's too) ends before this
    // view can be complete, so completed() - baseline never counts an old tile as a new one.
    const quint64 baseline = m_pool.submitted();
    // Each pass is queued whole before the next: the queue runs first in, first out, so the
    // whole window turns coarse before any tile turns sharp.
    for (int pass = 0; pass <= kFinalPass; ++pass) {
        for (int index = 0; index < int(grid.size()); ++index) {
            const TileSpec spec{grid[std::size_t(index)], m_generation, index, pass,
                                kPassSteps[std::size_t(pass)]};
            // The view and spec are copied into the job: it never sees later changes.
            m_pool.submit(renderTile, m_view, spec);
        }
    }
    emit viewStarted(baseline, int(grid.size() * kPassSteps.size()));
    update();
}

void MandelbrotWidget::showTiles(const QList<Result> &results)
{
    const qreal dpr = devicePixelRatioF();
    QRegion dirty;
    bool completed = false;
    QPainter painter(&m_canvas);
    for (const Result &result : results) {
        const auto tile = result.value.value<Tile>();
        const TileSpec &spec = tile.spec;
        // Late: the job was running (or its result on its way) when the view changed.
        if (spec.generation != m_generation)
            continue;
        // Two workers may finish a tile's coarse and full pass in either order.
        int &shown = m_shownPass[std::size_t(spec.index)];
        if (spec.pass <= shown)
            continue;
        shown = spec.pass;
        if (spec.pass == kFinalPass && --m_fullTilesLeft == 0)
            completed = true;

        // A coarse tile has one pixel per step x step block: stretch it over the block.
        const QRectF samples(0, 0, spec.rect.width() / double(spec.step),
                             spec.rect.height() / double(spec.step));
        painter.drawImage(QRectF(spec.rect), tile.image, samples);
        dirty += QRectF(QPointF(spec.rect.topLeft()) / dpr, QSizeF(spec.rect.size()) / dpr)
                         .toAlignedRect();
    }
    painter.end();
    update(dirty);
    if (completed)
        emit viewCompleted();
}

void MandelbrotWidget::paintEvent(QPaintEvent *event)
{
    // The canvas is in device pixels: copy the exposed part 1:1 on a high-DPI screen too.
    const qreal dpr = devicePixelRatioF();
    const QRectF target = event->rect();
    QPainter painter(this);
    painter.drawImage(target, m_canvas, QRectF(target.topLeft() * dpr, target.size() * dpr));
}

void MandelbrotWidget::resizeEvent(QResizeEvent *event)
{
    Viewport view = m_view;
    view.size = event->size() * devicePixelRatioF();
    if (view.size.isEmpty())
        return;
    if (m_requestedWidth > 0) {
        view.scale = std::clamp(m_requestedWidth / view.size.width(), Viewport::kMinScale,
                                Viewport::kMaxScale);
        m_requestedWidth = 0;
    }
    // Same centre and scale: a bigger window shows more of the plane, not a bigger picture.
    startView(view);
}

void MandelbrotWidget::wheelEvent(QWheelEvent *event)
{
    // One notch (120 units) zooms by 1.25; touchpads send fractions of a notch.
    const double notches = event->angleDelta().y() / 120.0;
    if (notches != 0)
        zoomAt(event->position(), std::pow(0.8, notches));
    event->accept();
}

void MandelbrotWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        zoomAt(event->position(), 0.5);
    else if (event->button() == Qt::RightButton)
        zoomAt(event->position(), 2.0);
}

void MandelbrotWidget::keyPressEvent(QKeyEvent *event)
{
    const QPointF middle = QRectF(rect()).center();
    switch (event->key()) {
    case Qt::Key_Plus:
        zoomAt(middle, 0.5);
        break;
    case Qt::Key_Minus:
        zoomAt(middle, 2.0);
        break;
    case Qt::Key_Home:
        setView(kHomeCenter, kHomeWidth);
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

void MandelbrotWidget::zoomAt(QPointF position, double factor)
{
    startView(m_view.zoomedAt(position * devicePixelRatioF(), factor));
}
