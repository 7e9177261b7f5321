#include "hashjob.h"

#include <fastthreadpool/thisjob.h>

#include <QtCore/qbytearray.h>

#include <cstring>

namespace {

constexpr qsizetype kChunkBytes = qsizetype(1) << 20;

// SplitMix64: fast, and good enough that no algorithm meets a suspiciously regular input.
quint64 nextRandom(quint64 &state)
{
    quint64 z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
}

void fill(QByteArray &chunk, quint64 &state)
{
    char *data = chunk.data();
    for (qsizetype offset = 0; offset < chunk.size(); offset += qsizetype(sizeof(quint64))) {
        const quint64 word = nextRandom(state);
        std::memcpy(data + offset, &word, sizeof word);
    }
}

} // namespace

QString hashGeneratedData(const HashJob &job)
{
    namespace ThisJob = FastThreadPool::ThisJob;

    const int total = job.mebibytes;
    QCryptographicHash hash(job.algorithm);
    QByteArray chunk(kChunkBytes, Qt::Uninitialized);
    quint64 state = job.seed;

    // A report before the first chunk: the watcher sees the job start, not only progress.
    ThisJob::setProgress(0, total, QStringLiteral("0 of %1 MiB").arg(total));
    for (int done = 0; done < total;) {
        // Here the job may wait (Pause) or stop (Cancel): between chunks, nothing half done.
        ThisJob::suspendIfRequested();
        ThisJob::checkCancelled();
        fill(chunk, state);
        hash.addData(chunk);
        ++done;
        // As often as it likes: the pool passes on the latest report every 16 ms at most.
        ThisJob::setProgress(done, total, QStringLiteral("%1 of %2 MiB").arg(done).arg(total));
    }
    return QString::fromLatin1(hash.result().toHex());
}
