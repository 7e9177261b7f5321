// The window: the Mandelbrot view, and a status bar whose progress bar and label follow the
// pool's counting properties through their change signals.
#pragma once

#include <QtCore/qelapsedtimer.h>
#include <QtWidgets/qmainwindow.h>

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
QT_END_NAMESPACE

class MandelbrotWidget;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

    MandelbrotWidget *view() const noexcept { return m_view; }

private:
    void startProgress(quint64 baseline, int jobs);
    void showProgress();
    void showActivity();
    void showDone();

    MandelbrotWidget *m_view;
    QProgressBar *m_progress;
    QLabel *m_status;
    quint64 m_baseline = 0; // the pool's submitted() count before the current view
    int m_busy = 0;
    qint64 m_pending = 0;
    QElapsedTimer m_clock; // since the current view started
};
