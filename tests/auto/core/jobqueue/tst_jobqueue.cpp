// White-box tests of the job deque: the id-ordered tail, the LIFO head, skipped tickets,
// and every job taken exactly once under concurrency.
#include "core/jobqueue.h"

#include <QtTest/qtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace FastThreadPool::detail;
using FastThreadPool::detail::Placement;

class tst_JobQueue : public QObject
{
    Q_OBJECT

private slots:
    void emptyQueuePopsNothing();
    void tailIsFifo();
    void headIsLifoAndRunsFirst();
    void refusedAndCancelledJobsArePassedOver();
    void unpublishedTicketIsSkippedAndComesBackLate();
    void everyJobTakenExactlyOnce();
};

namespace {
struct Harness
{
    JobStore store;
    JobQueue queue{store};
    RetireBatch retire{store};
    JobQueue::Consumer consumer{queue, retire};

    std::uint64_t submit(Placement where)
    {
        const auto claim = store.claim();
        queue.publish(claim, where);
        return claim.id;
    }
    std::vector<std::uint64_t> drain()
    {
        std::vector<std::uint64_t> order;
        while (JobRecord *record = consumer.pop()) {
            order.push_back(JobWord::id(record->word.load()));
            retire.add(record); // as runJob does
        }
        return order;
    }
};
} // namespace

void tst_JobQueue::emptyQueuePopsNothing()
{
    Harness h;
    QCOMPARE(h.consumer.pop(), nullptr);
}

void tst_JobQueue::tailIsFifo()
{
    Harness h;
    std::vector<std::uint64_t> expected;
    for (int i = 0; i < 600; ++i) // crosses block boundaries
        expected.push_back(h.submit(Placement::Tail));
    QCOMPARE(h.drain(), expected);
    QCOMPARE(h.consumer.pop(), nullptr);
}

void tst_JobQueue::headIsLifoAndRunsFirst()
{
    Harness h;
    const auto a = h.submit(Placement::Tail);
    const auto b = h.submit(Placement::Tail);
    const auto c = h.submit(Placement::Head);
    const auto d = h.submit(Placement::Head);
    QCOMPARE(h.drain(), (std::vector<std::uint64_t>{d, c, a, b}));
}

void tst_JobQueue::refusedAndCancelledJobsArePassedOver()
{
    Harness h;
    const auto a = h.submit(Placement::Tail);
    const auto refused = h.store.claim();
    h.queue.refuse(refused);
    const auto b = h.store.claim();
    h.queue.publish(b, Placement::Tail);
    std::uint64_t word = b.record->word.load();
    QVERIFY(b.record->word.compare_exchange_strong(word, JobWord::with(word, JobState::Cancelled)));
    const auto c = h.submit(Placement::Tail);
    QCOMPARE(h.drain(), (std::vector<std::uint64_t>{a, c}));
}

void tst_JobQueue::unpublishedTicketIsSkippedAndComesBackLate()
{
    Harness h;
    const auto stalled = h.store.claim(); // a submitter stopped between claim and publish
    const auto next = h.submit(Placement::Tail);
    // The worker waits a little for `stalled`, passes it, and takes the next job.
    JobRecord *first = h.consumer.pop();
    QVERIFY(first);
    QCOMPARE(JobWord::id(first->word.load()), next);
    h.retire.add(first);
    QCOMPARE(h.consumer.pop(), nullptr);
    // The submitter publishes at last: its job is not lost, it comes from the late list.
    h.queue.publish(stalled, Placement::Tail);
    JobRecord *late = h.consumer.pop();
    QVERIFY(late);
    QCOMPARE(JobWord::id(late->word.load()), stalled.id);
    QCOMPARE(JobWord::state(late->word.load()), JobState::Pending);
}

void tst_JobQueue::everyJobTakenExactlyOnce()
{
    constexpr int kProducers = 2;
    constexpr int kConsumers = 2;
    constexpr int kPerProducer = 50000;
    JobStore store;
    JobQueue queue(store);
    std::vector<std::atomic<int>> taken(kProducers * kPerProducer * 2);
    std::atomic<int> total{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < kProducers; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < kPerProducer; ++i)
                queue.publish(store.claim(), (i + p) % 3 == 0 ? Placement::Head : Placement::Tail);
        });
    for (int c = 0; c < kConsumers; ++c)
        threads.emplace_back([&] {
            RetireBatch retire(store);
            JobQueue::Consumer consumer(queue, retire);
            while (total.load() < kProducers * kPerProducer) {
                if (JobRecord *record = consumer.pop()) {
                    std::uint64_t word = record->word.load();
                    // Take it as runJob does, so every share of life ends.
                    if (record->word.compare_exchange_strong(
                                word, JobWord::with(word, JobState::Finished)))
                        taken[JobWord::id(word)].fetch_add(1);
                    total.fetch_add(1);
                    retire.add(record);
                }
            }
        });
    for (auto &thread : threads)
        thread.join();
    int jobs = 0;
    for (std::size_t id = 0; id < taken.size(); ++id) {
        QVERIFY(taken[id].load() <= 1);
        jobs += taken[id].load();
    }
    QCOMPARE(jobs, kProducers * kPerProducer);
}

QTEST_GUILESS_MAIN(tst_JobQueue)
#include "tst_jobqueue.moc"
