// The work behind each row of the monitor: a digest of a large block of generated data, made
// and hashed one mebibyte at a time so that the whole block is never in memory. It knows
// nothing about widgets; it talks to whoever watches it only through FastThreadPool::ThisJob
// (progress, pause, cancel), so the same function runs as well from a console program.
#pragma once

#include <QtCore/qcryptographichash.h>
#include <QtCore/qstring.h>

struct HashJob
{
    //! What the row shows: the algorithm's name and the size, e.g. "SHA-256 of 64 MiB".
    QString name;
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    //! The size of the data, in mebibytes (one chunk each), at least 1.
    int mebibytes = 1;
    //! Picks the data: the same seed and size give the same bytes, and the same digest.
    quint64 seed = 0;
};

/*!
    Generates the job's data chunk by chunk and returns the hex digest. Runs in a pool
    thread. Before each chunk it waits while the pool is suspended and ends the job
    cancelled (ThisJob::checkCancelled()) if a cancel reached it; after each chunk it reports
    "n of total MiB" through ThisJob::setProgress(), leaving the pace of the reports to the
    pool. Outside a pool those calls do nothing and it simply hashes.
*/
QString hashGeneratedData(const HashJob &job);
