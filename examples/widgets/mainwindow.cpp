#include "mainwindow.h"

#include "mandelbrotwidget.h"

#include <QtWidgets/qlabel.h>
#include <QtWidgets/qprogressbar.h>
#include <QtWidgets/qstatusbar.h>

#include <algorithm>

using namespace FastThreadPool;

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_view(new MandelbrotWidget(this))
    , m_progress(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Mandelbrot - FastThreadPool"));
    setCentralWidget(m_view);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    m_progress->setFormat(tr("%v / %m tiles"));
    m_progress->setMinimumWidth(220);

    // The pool emits these from the GUI thread, at most every 16 ms while work runs and once
    // when it ends: cheap enough to bind straight to widgets.
    Pool &pool = m_view->pool();
    connect(m_view, &MandelbrotWidget::viewStarted, this, &MainWindow::startProgress);
    connect(&pool, &Pool::completedChanged, this, &MainWindow::showProgress);
    connect(&pool, &Pool::cancelledChanged, this, &MainWindow::showProgress);
    connect(&pool, &Pool::busyChanged, this, [this](int busy) {
        m_busy = busy;
        showActivity();
    });
    connect(&pool, &Pool::pendingChanged, this, [this](qint64 pending) {
        m_pending = pending;
        showActivity();
    });
    connect(&pool, &Pool::idle, this, &MainWindow::showDone);
}

void MainWindow::startProgress(quint64 baseline, int jobs)
{
    m_baseline = baseline;
    m_clock.start();
    m_progress->setRange(0, jobs);
    m_progress->setValue(0);
}

void MainWindow::showProgress()
{
    // Every job ends completed or cancelled; the previous view's end (mostly cancelled) before
    // this view's, so the ended count minus the baseline is this view's tiles. Below the
    // baseline while tiles of the previous view are still stopping.
    const Pool &pool = m_view->pool();
    const quint64 ended = pool.completed() + pool.cancelled(); // read before submitted()
    const qint64 done = qint64(ended) - qint64(m_baseline);
    m_progress->setValue(int(std::clamp<qint64>(done, 0, m_progress->maximum())));
}

void MainWindow::showActivity()
{
    m_status->setText(tr("Rendering: %1 of %2 threads busy, %3 tiles pending")
                              .arg(m_busy)
                              .arg(m_view->pool().maxChildren())
                              .arg(m_pending));
}

void MainWindow::showDone()
{
    m_status->setText(tr("Done in %1 ms. Wheel or click: zoom in; right click: zoom out; "
                         "Home: start over")
                              .arg(m_clock.elapsed()));
}
