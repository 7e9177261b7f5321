// White-box tests of the job deque: FIFO tail, LIFO head, every record popped once.
#include "core/jobqueue.h"
#include "core/jobstore.h"

#include <QtTest/qtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace FastThreadPool::detail;

class tst_JobQueue : public QObject
{
    Q_OBJECT

private slots:
    void emptyQueuePopsNothing();
    void tailIsFifo();
    void headIsLifoAndRunsFirst();
    void everyRecordPoppedExactlyOnce();
};

namespace {
JobRecord *make(JobStore &store, Placement where)
{
    JobRecord *record = store.claim();
    record->placement = where;
    record->state.store(JobState::Pending, std::memory_order_release);
    return record;
}

std::vector<std::uint64_t> drain(JobQueue &queue)
{
    std::vector<std::uint64_t> order;
    JobQueue::Consumer consumer(queue);
    while (JobRecord *record = consumer.pop())
        order.push_back(record->id);
    return order;
}
} // namespace

void tst_JobQueue::emptyQueuePopsNothing()
{
    JobStore store;
    JobQueue queue(store.stackReaders());
    QCOMPARE(queue.pop(), nullptr);
}

void tst_JobQueue::tailIsFifo()
{
    JobStore store;
    JobQueue queue(store.stackReaders());
    for (int i = 0; i < 10; ++i)
        queue.push(make(store, Placement::Tail));
    const std::vector<std::uint64_t> expected{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    QCOMPARE(drain(queue), expected);
}

void tst_JobQueue::headIsLifoAndRunsFirst()
{
    JobStore store;
    JobQueue queue(store.stackReaders());
    queue.push(make(store, Placement::Tail)); // A = 1
    queue.push(make(store, Placement::Tail)); // B = 2
    queue.push(make(store, Placement::Head)); // C = 3
    queue.push(make(store, Placement::Head)); // D = 4
    const std::vector<std::uint64_t> expected{4, 3, 1, 2}; // D, C, A, B
    QCOMPARE(drain(queue), expected);
}

void tst_JobQueue::everyRecordPoppedExactlyOnce()
{
    constexpr int kProducers = 2;
    constexpr int kConsumers = 2;
    constexpr int kPerProducer = 50000;
    JobStore store;
    JobQueue queue(store.stackReaders());
    std::vector<std::atomic<int>> popped(kProducers * kPerProducer + 1);
    std::atomic<int> total{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < kProducers; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < kPerProducer; ++i)
                queue.push(make(store, (i + p) % 3 == 0 ? Placement::Head : Placement::Tail));
        });
    for (int c = 0; c < kConsumers; ++c)
        threads.emplace_back([&] {
            JobQueue::Consumer consumer(queue);
            RetireBatch retire(store);
            while (total.load() < kProducers * kPerProducer) {
                if (JobRecord *record = consumer.pop()) {
                    popped[record->id].fetch_add(1);
                    total.fetch_add(1);
                    // Retiring lets blocks recycle while others still pop the head stack.
                    retire.add(record);
                }
            }
        });
    for (auto &thread : threads)
        thread.join();
    for (std::size_t id = 1; id < popped.size(); ++id)
        QCOMPARE(popped[id].load(), 1);
    QCOMPARE(queue.pop(), nullptr);
}

QTEST_GUILESS_MAIN(tst_JobQueue)
#include "tst_jobqueue.moc"
