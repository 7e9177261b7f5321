// The window: one row per job (its name, a progress bar, its state, a Cancel button) and a
// Pause/Resume button for the whole pool. Every row follows the pool's per-job signals:
// jobProgress() moves its bar, resultReady() shows the digest, jobCancelled() and jobFailed()
// end it. The pool has fewer threads than there are jobs, so some rows wait their turn.
#pragma once

#include "hashjob.h"

#include <fastthreadpool/pool.h>

#include <QtCore/qhash.h>
#include <QtWidgets/qwidget.h>

#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
class QPushButton;
QT_END_NAMESPACE

class JobWindow : public QWidget
{
    Q_OBJECT

public:
    enum class State { Waiting, Running, Done, Cancelled, Failed };

    //! Submits one job per algorithm, each hashing `mebibytes` MiB of generated data.
    explicit JobWindow(int mebibytes, QWidget *parent = nullptr);
    //! Cancels the jobs, running ones included: closing the window does not wait for them.
    ~JobWindow() override;

    FastThreadPool::Pool &pool() noexcept { return m_pool; }
    int rowCount() const noexcept { return int(m_rows.size()); }
    QString name(int row) const { return m_rows.at(std::size_t(row)).job.name; }
    State state(int row) const { return m_rows.at(std::size_t(row)).state; }
    //! The row's progress bar: its value and maximum, as the job last reported them.
    int progressValue(int row) const;
    int progressMaximum(int row) const;
    //! True once every row ended (done, cancelled or failed) and every done row's bar is full.
    bool isFinished() const;

    //! What the row's Cancel button does: a waiting job never starts, a running one stops at
    //! its next chunk (its row turns cancelled when the pool says jobCancelled()).
    void cancel(int row);

Q_SIGNALS:
    //! A row's state or progress changed.
    void rowChanged(int row);

private:
    struct Row
    {
        HashJob job;
        FastThreadPool::JobId id = 0;
        State state = State::Waiting;
        bool cancelRequested = false;
        QString progressText; // the job's own words: "12 of 64 MiB"
        QLabel *name = nullptr;
        QProgressBar *bar = nullptr;
        QLabel *status = nullptr;
        QPushButton *cancel = nullptr;
    };

    Row *rowOf(FastThreadPool::JobId id);
    void end(Row &row, State state, const QString &text);
    void showStatus(const Row &row);
    void showProgress(FastThreadPool::JobId id, int value, int maximum, const QString &text);
    void togglePause();

    std::vector<Row> m_rows;
    QHash<FastThreadPool::JobId, int> m_rowOfJob;
    QPushButton *m_pause = nullptr;
    // Declared last, so destroyed first: ~JobWindow() has cancelled its jobs by then, and its
    // destructor (which waits for running jobs) returns within a chunk.
    FastThreadPool::Pool m_pool;
};
