#include "jobwindow.h"

#include <QtWidgets/qboxlayout.h>
#include <QtWidgets/qgridlayout.h>
#include <QtWidgets/qlabel.h>
#include <QtWidgets/qprogressbar.h>
#include <QtWidgets/qpushbutton.h>

#include <array>
#include <utility>

using namespace FastThreadPool;

namespace {

// Fewer threads than jobs: the last rows wait until a thread is free.
constexpr int kThreads = 2;

// Six digests of different cost, so the rows finish at different times. SHA-256 is the
// slowest of them in Qt's own implementation.
const std::array<std::pair<const char *, QCryptographicHash::Algorithm>, 6> kAlgorithms{{
        {"MD5", QCryptographicHash::Md5},
        {"SHA-256", QCryptographicHash::Sha256},
        {"SHA-1", QCryptographicHash::Sha1},
        {"SHA3-256", QCryptographicHash::Sha3_256},
        {"SHA-512", QCryptographicHash::Sha512},
        {"BLAKE2b-256", QCryptographicHash::Blake2b_256},
}};

// The digest's first hex digits: enough to tell two results apart at a glance.
constexpr int kDigestShown = 16;

} // namespace

JobWindow::JobWindow(int mebibytes, QWidget *parent)
    : QWidget(parent)
    , m_pool(PoolOptions{.maxChildren = kThreads,
                         .childNamePrefix = QStringLiteral("Hash"),
                         .resultId = true}) // resultReady() and jobFailed() carry the job id
{
    setWindowTitle(tr("Job monitor - FastThreadPool"));
    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    grid->setColumnMinimumWidth(2, 230);
    m_rows.reserve(kAlgorithms.size());
    for (const auto &[algorithmName, algorithm] : kAlgorithms) {
        const int index = int(m_rows.size());
        Row &row = m_rows.emplace_back();
        row.job.name = tr("%1 of %2 MiB").arg(QLatin1String(algorithmName)).arg(mebibytes);
        row.job.algorithm = algorithm;
        row.job.mebibytes = mebibytes;
        row.job.seed = quint64(index) + 1;
        row.name = new QLabel(row.job.name);
        row.bar = new QProgressBar; // empty until the job reports: a waiting row shows no 0%
        row.status = new QLabel;
        row.cancel = new QPushButton(tr("Cancel"));
        grid->addWidget(row.name, index, 0);
        grid->addWidget(row.bar, index, 1);
        grid->addWidget(row.status, index, 2);
        grid->addWidget(row.cancel, index, 3);
        connect(row.cancel, &QPushButton::clicked, this, [this, index] { cancel(index); });
        showStatus(row);
    }

    m_pause = new QPushButton(tr("Pause"));
    auto *footer = new QHBoxLayout;
    footer->addWidget(
            new QLabel(tr("%1 jobs on %2 threads").arg(rowCount()).arg(m_pool.maxChildren())));
    footer->addStretch();
    footer->addWidget(m_pause);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addStretch();
    layout->addLayout(footer);

    // Pause stops the queue at once and each running job at its next chunk; the button's
    // text follows the pool rather than the clicks.
    connect(m_pause, &QPushButton::clicked, this, &JobWindow::togglePause);
    connect(&m_pool, &Pool::suspendedChanged, this, [this](bool suspended) {
        m_pause->setText(suspended ? tr("Resume") : tr("Pause"));
        for (const Row &row : m_rows)
            showStatus(row);
    });

    // All of these come in the GUI thread. Progress is thinned out by the pool (the latest
    // report per job, every 16 ms at most), so the bars can be fed straight from it.
    connect(&m_pool, &Pool::jobProgress, this, &JobWindow::showProgress);
    connect(&m_pool, &Pool::resultReady, this, [this](JobId id, const QVariant &value) {
        if (Row *row = rowOf(id)) {
            const QString digest = value.toString();
            row->status->setToolTip(digest);
            end(*row, State::Done, tr("done: %1...").arg(digest.left(kDigestShown)));
        }
    });
    connect(&m_pool, &Pool::jobCancelled, this, [this](JobId id) {
        if (Row *row = rowOf(id)) {
            end(*row, State::Cancelled,
                row->progressText.isEmpty() ? tr("cancelled")
                                            : tr("cancelled at %1").arg(row->progressText));
        }
    });
    connect(&m_pool, &Pool::jobFailed, this, [this](JobId id, const Failure &failure) {
        if (Row *row = rowOf(id))
            end(*row, State::Failed, tr("failed: %1").arg(failure.toString()));
    });

    // Connected first, submitted second: no report is posted while nobody listens.
    for (int index = 0; index < rowCount(); ++index) {
        Row &row = m_rows[std::size_t(index)];
        row.id = m_pool.submit(hashGeneratedData, row.job);
        m_rowOfJob.insert(row.id, index);
    }
}

// The pool's destructor (right after this) waits for the running jobs; cancelled, each of
// them stops at its next chunk, even while paused, and the queued ones never start.
JobWindow::~JobWindow() { m_pool.cancelAll(CancelRunning::Yes); }

int JobWindow::progressValue(int row) const { return m_rows.at(std::size_t(row)).bar->value(); }

int JobWindow::progressMaximum(int row) const { return m_rows.at(std::size_t(row)).bar->maximum(); }

bool JobWindow::isFinished() const
{
    for (const Row &row : m_rows) {
        if (row.state == State::Waiting || row.state == State::Running)
            return false;
        // The last progress report may come a few ms after the result.
        if (row.state == State::Done && row.bar->value() != row.bar->maximum())
            return false;
    }
    return true;
}

void JobWindow::cancel(int row)
{
    Row &entry = m_rows.at(std::size_t(row));
    if ((entry.state != State::Waiting && entry.state != State::Running) || entry.cancelRequested)
        return;
    entry.cancelRequested = true;
    entry.cancel->setEnabled(false);
    // True: it was still queued and now never runs. False: it is running (or just ended);
    // it was asked to stop, and jobCancelled() (or, if it was too late, resultReady()) says
    // how it ended.
    if (m_pool.cancel(entry.id)) {
        end(entry, State::Cancelled, tr("cancelled before it started"));
        return;
    }
    showStatus(entry);
    emit rowChanged(row);
}

JobWindow::Row *JobWindow::rowOf(JobId id)
{
    const auto found = m_rowOfJob.constFind(id);
    return found == m_rowOfJob.cend() ? nullptr : &m_rows[std::size_t(*found)];
}

void JobWindow::end(Row &row, State state, const QString &text)
{
    row.state = state;
    row.status->setText(text);
    row.cancel->setEnabled(false);
    emit rowChanged(m_rowOfJob.value(row.id));
}

void JobWindow::showStatus(const Row &row)
{
    if (row.state != State::Waiting && row.state != State::Running)
        return; // an ended row keeps the words end() gave it
    if (row.cancelRequested)
        row.status->setText(tr("cancelling..."));
    else if (row.state == State::Waiting)
        row.status->setText(tr("waiting"));
    else if (m_pool.isSuspended())
        row.status->setText(tr("paused at %1").arg(row.progressText));
    else
        row.status->setText(row.progressText);
}

void JobWindow::showProgress(JobId id, int value, int maximum, const QString &text)
{
    Row *row = rowOf(id);
    if (!row)
        return;
    // A done row still takes its last report, which may come after the result.
    row->bar->setRange(0, maximum);
    row->bar->setValue(value);
    row->progressText = text;
    if (row->state == State::Waiting)
        row->state = State::Running; // the job's first report: it runs
    showStatus(*row);
    emit rowChanged(m_rowOfJob.value(id));
}

void JobWindow::togglePause()
{
    if (m_pool.isSuspended())
        m_pool.resume();
    else
        m_pool.suspend();
}
