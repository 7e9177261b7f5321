// Test helper: waits (with a deadline) until given threads sleep in the kernel, so a test
// can prove it exercises the sleeping path, not just the spinning one. Linux only; elsewhere
// it returns true at once.
#pragma once

#include <QtCore/qfile.h>
#include <QtCore/qlist.h>
#include <QtTest/qtest.h>

#if defined(__linux__)
#    include <sys/syscall.h>
#    include <unistd.h>
#endif

namespace TestSupport {

inline long currentTid()
{
#if defined(__linux__)
    return long(syscall(SYS_gettid));
#else
    return 0;
#endif
}

inline bool isSleeping(long tid)
{
#if defined(__linux__)
    QFile stat(QStringLiteral("/proc/self/task/%1/stat").arg(tid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    const int close = line.lastIndexOf(')');
    return close > 0 && line.size() > close + 2 && line.at(close + 2) == 'S';
#else
    Q_UNUSED(tid);
    return true;
#endif
}

inline bool waitUntilSleeping(const QList<long> &tids, int timeoutMs = 10000)
{
    return QTest::qWaitFor(
            [&] {
                for (long tid : tids)
                    if (!isSleeping(tid))
                        return false;
                return true;
            },
            timeoutMs);
}

} // namespace TestSupport
