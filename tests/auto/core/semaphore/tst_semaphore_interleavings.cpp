// Interleavings of Semaphore's timed wait that timing alone reaches rarely (the fuzzer found
// the first after 350,000 runs), forced through the pause points of core/faultinjection.h:
// linked to the test-only build of the library.
#include <fastthreadpool/semaphore.h>

#include "core/faultinjection.h"

#include <QtTest/qtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using FastThreadPool::Semaphore;
namespace fault = FastThreadPool::detail::fault;

class tst_SemaphoreInterleavings : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { fault::reset(); }

    void timedWaitEndsWhenAnotherWaiterTakesTheTokenOwedToIt();
};

// A times out; before it withdraws, a release() counts it in (a token is owed to it); before
// it takes that token, a new waiter C commits and takes it (tokens are not addressed). A must
// still end: it is the one waiter the count shows, so it withdraws and returns false.
void tst_SemaphoreInterleavings::timedWaitEndsWhenAnotherWaiterTakesTheTokenOwedToIt()
{
    Semaphore semaphore(0);
    std::atomic<bool> released{false};
    std::atomic<bool> taken{false};
    std::atomic<bool> otherGotIt{false};
    fault::setHook(fault::Point::SemaphoreTimedOut, [&] {
        if (!released.exchange(true))
            semaphore.release(1);
    });
    fault::setHook(fault::Point::SemaphoreCountedIn, [&] {
        if (taken.exchange(true))
            return;
        // The token is there: C's wait ends at once.
        std::thread other([&] { otherGotIt = semaphore.acquire(true); });
        other.join();
    });

    auto waiter = std::async(std::launch::async, [&] { return semaphore.tryAcquireFor(20ms); });
    const bool ended = waiter.wait_for(5s) == std::future_status::ready;
    if (!ended)
        semaphore.release(1); // frees the stuck waiter so the test can end
    const bool acquired = waiter.get();
    QVERIFY2(ended, "a 20 ms timed wait was still waiting after 5 s");
    QVERIFY(released && taken && otherGotIt);
    QVERIFY(!acquired); // its permit went to C
    QCOMPARE(semaphore.value(), 0);
    QVERIFY(!semaphore.acquire(false));
}

QTEST_GUILESS_MAIN(tst_SemaphoreInterleavings)
#include "tst_semaphore_interleavings.moc"
