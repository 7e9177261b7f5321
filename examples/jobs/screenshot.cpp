#include "screenshot.h"

#include "jobwindow.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qtimer.h>
#include <QtGui/qpixmap.h>

#include <cstdio>
#include <memory>

namespace {

void fail(const QString &message)
{
    std::fprintf(stderr, "jobmonitor: %s\n", qPrintable(message));
    QCoreApplication::exit(1);
}

QString stateName(JobWindow::State state)
{
    switch (state) {
    case JobWindow::State::Waiting:
        return QStringLiteral("waiting");
    case JobWindow::State::Running:
        return QStringLiteral("running");
    case JobWindow::State::Done:
        return QStringLiteral("done");
    case JobWindow::State::Cancelled:
        return QStringLiteral("cancelled");
    case JobWindow::State::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

// The rows as the picture shows them, against what the run should have left.
QStringList mismatches(const JobWindow &window, int cancelRow)
{
    QStringList wrong;
    for (int row = 0; row < window.rowCount(); ++row) {
        const JobWindow::State expected
                = row == cancelRow ? JobWindow::State::Cancelled : JobWindow::State::Done;
        const JobWindow::State state = window.state(row);
        if (state != expected) {
            wrong << QStringLiteral("row %1 (%2) ended %3, not %4")
                             .arg(row + 1)
                             .arg(window.name(row), stateName(state), stateName(expected));
        }
    }
    // A cancel that only landed after the last chunk would prove nothing.
    if (window.state(cancelRow) == JobWindow::State::Cancelled
        && window.progressValue(cancelRow) >= window.progressMaximum(cancelRow)) {
        wrong << QStringLiteral("row %1 was cancelled only after its last chunk")
                         .arg(cancelRow + 1);
    }
    return wrong;
}

void save(JobWindow &window, const QString &file, int cancelRow)
{
    // Saved first: a picture of a wrong outcome helps to find out why.
    if (!window.grab().save(file, "PNG"))
        return fail(QStringLiteral("cannot write %1").arg(file));
    const QStringList wrong = mismatches(window, cancelRow);
    if (!wrong.isEmpty())
        return fail(wrong.join(QStringLiteral("; ")));
    std::printf("jobmonitor: saved %s\n", qPrintable(file));
    QCoreApplication::exit(0);
}

} // namespace

void saveWhenFinished(JobWindow &window, const QString &file, int cancelRow, int timeoutMs)
{
    if (cancelRow < 0 || cancelRow >= window.rowCount())
        return fail(QStringLiteral("there is no row %1 to cancel").arg(cancelRow + 1));

    // Saved when both are true: the pool said idle() (nothing queued or running, every
    // result delivered) and every row has ended with its last progress shown (a report may
    // follow its job's result by a few ms, and idle() does not wait for it).
    struct State
    {
        bool cancelled = false;
        bool idle = false;
        bool saved = false;
    };
    auto state = std::make_shared<State>();
    auto trySave = [&window, file, cancelRow, state] {
        if (state->idle && !state->saved && window.isFinished()) {
            state->saved = true;
            save(window, file, cancelRow);
        }
    };
    QObject::connect(&window, &JobWindow::rowChanged, &window,
                     [&window, cancelRow, state, trySave](int row) {
                         // A quarter in: the picture shows a bar stopped midway.
                         if (row == cancelRow && !state->cancelled
                             && window.state(row) == JobWindow::State::Running
                             && window.progressValue(row) * 4 >= window.progressMaximum(row)) {
                             state->cancelled = true;
                             window.cancel(row);
                         }
                         trySave();
                     });
    QObject::connect(&window.pool(), &FastThreadPool::Pool::idle, &window, [state, trySave] {
        state->idle = true;
        trySave();
    });
    QTimer::singleShot(timeoutMs, &window, [timeoutMs, state] {
        if (state->saved)
            return;
        state->saved = true; // a late end must not turn the failure into a success
        fail(QStringLiteral("the jobs did not end within %1 s").arg(timeoutMs / 1000));
    });
}
