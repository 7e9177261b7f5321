// A job monitor on FastThreadPool: six long jobs (digests of large generated data, made and
// hashed a mebibyte at a time) run on a pool of two threads, one row each. A row's progress
// bar follows the pool's jobProgress() signal, its Cancel button stops the job mid-run (or
// before it starts), and its status says waiting, running, done (with the digest), cancelled
// or failed; Pause/Resume holds and releases the whole pool. Closing the window stops the
// jobs at their next chunk instead of waiting for them.
//
//   jobmonitor                           watch six jobs of 512 MiB each; cancel, pause
//   jobmonitor --size 4096               longer jobs
//   jobmonitor --size 256 --screenshot out.png  run them all, cancel the SHA-256 job a
//                                        quarter in, save the window, quit (no display
//                                        needed with QT_QPA_PLATFORM=offscreen; the picture
//                                        in docs/images/jobmonitor.png)
#include "jobwindow.h"
#include "screenshot.h"

#include <QtCore/qcommandlineparser.h>
#include <QtWidgets/qapplication.h>

#include <cstdio>

namespace {

constexpr int kDefaultMebibytes = 512;
constexpr int kMaxMebibytes = 1 << 20;
// The row --screenshot cancels: SHA-256, the slowest job, which starts at once.
constexpr int kScreenshotCancelRow = 1;

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("jobmonitor"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Long jobs on FastThreadPool, with progress, cancel and pause."));
    parser.addHelpOption();
    const QCommandLineOption size(
            QStringLiteral("size"),
            QStringLiteral("Hash <MiB> of generated data per job (default %1).")
                    .arg(kDefaultMebibytes),
            QStringLiteral("MiB"), QString::number(kDefaultMebibytes));
    const QCommandLineOption screenshot(
            QStringLiteral("screenshot"),
            QStringLiteral("Run the jobs, cancel one midway, save the window as a PNG to "
                           "<file> and quit; exit code 1 if a row ended otherwise."),
            QStringLiteral("file"));
    parser.addOption(size);
    parser.addOption(screenshot);
    parser.process(app);

    bool ok = false;
    const int mebibytes = parser.value(size).toInt(&ok);
    if (!ok || mebibytes < 1 || mebibytes > kMaxMebibytes) {
        std::fprintf(stderr, "jobmonitor: --size wants a whole number of MiB, 1 to %d\n",
                     kMaxMebibytes);
        return 2;
    }

    JobWindow window(mebibytes);
    if (parser.isSet(screenshot))
        saveWhenFinished(window, parser.value(screenshot), kScreenshotCancelRow);

    window.resize(720, window.sizeHint().height());
    window.show();
    return app.exec();
}
