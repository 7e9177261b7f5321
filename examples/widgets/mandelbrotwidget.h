// The Mandelbrot view: cuts the picture into tiles, renders them on a FastThreadPool::Pool,
// paints them as the pool's resultsReady() signal delivers them, and starts over (cancelling
// what is still queued) when the user zooms or resizes.
#pragma once

#include "tile.h"
#include "viewport.h"

#include <fastthreadpool/pool.h>

#include <QtGui/qimage.h>
#include <QtWidgets/qwidget.h>

#include <vector>

class MandelbrotWidget : public QWidget
{
    Q_OBJECT

public:
    explicit MandelbrotWidget(QWidget *parent = nullptr);
    //! Cancels the queued tiles, so that the pool's destructor waits only for running ones.
    ~MandelbrotWidget() override;

    //! The pool rendering the tiles; the window binds its progress bar to it.
    FastThreadPool::Pool &pool() noexcept { return m_pool; }

    //! Shows the plane around `center`, `width` units across (applied at the next resize if
    //! the widget has no size yet).
    void setView(QPointF center, double width);

    //! Every tile of the current view is painted at full resolution.
    bool isComplete() const noexcept { return m_fullTilesLeft == 0 && !m_view.size.isEmpty(); }

    QSize sizeHint() const override { return {800, 560}; }

Q_SIGNALS:
    /*!
        A new view's tiles were submitted: `jobs` of them (every pass). The view is done when
        the pool's completed() reaches `baseline` + `jobs`: `baseline` is the submitted()
        count before them, so tiles of the old view still running when it started are
        counted before this view's.
    */
    void viewStarted(quint64 baseline, int jobs);
    //! The last full-resolution tile of the current view was painted.
    void viewCompleted();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void zoomAt(QPointF position, double factor);
    void startView(const Viewport &view);
    void showTiles(const QList<FastThreadPool::Result> &results);

    // Declared first, destroyed last: no result arrives for a member already gone.
    FastThreadPool::Pool m_pool;
    Viewport m_view;
    double m_requestedWidth = 0; // setView() before the widget had a size
    QImage m_canvas; // the picture, in device pixels
    quint64 m_generation = 0; // which view the tiles in flight should belong to
    std::vector<int> m_shownPass; // per tile index: the finest pass painted, -1 for none
    int m_fullTilesLeft = 0;
};
