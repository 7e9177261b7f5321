// White-box tests of the id-indexed record store under the job queue.
#include "core/jobstore.h"

#include <QtTest/qtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

using namespace FastThreadPool::detail;

class tst_JobStore : public QObject
{
    Q_OBJECT

private slots:
    void idsStartAtOneAndIncrease();
    void recordIsFoundByItsId();
    void unknownIdIsNotFound();
    void fullyRetiredBlockIsForgotten();
    void partlyRetiredBlockStaysFindable();
    void recycledBlockStartsEmpty();
    void forEachRecordVisitsInIdOrder();
    void concurrentClaimsAreUnique();
};

static void publish(JobRecord *record)
{
    record->state.store(JobState::Pending, std::memory_order_release);
}

void tst_JobStore::idsStartAtOneAndIncrease()
{
    JobStore store;
    QCOMPARE(store.claimed(), 0u);
    for (std::uint64_t expected = 1; expected <= 1000; ++expected)
        QCOMPARE(store.claim()->id, expected);
    QCOMPARE(store.claimed(), 1000u);
}

void tst_JobStore::recordIsFoundByItsId()
{
    JobStore store;
    JobRecord *record = nullptr;
    for (int i = 0; i < 300; ++i)
        record = store.claim();
    publish(record);
    JobRecord *found = nullptr;
    QVERIFY(store.withRecord(300, [&](JobRecord &r) {
        found = &r;
        return true;
    }));
    QCOMPARE(found, record);
    QCOMPARE(found->id, 300u);
}

void tst_JobStore::unknownIdIsNotFound()
{
    JobStore store;
    store.claim();
    QVERIFY(!store.withRecord(1'000'000, [](JobRecord &) { return true; }));
}

void tst_JobStore::fullyRetiredBlockIsForgotten()
{
    JobStore store;
    // Ids 1..255 plus the never-used id 0 fill block 0; id 256 opens block 1.
    std::vector<JobRecord *> records;
    for (std::uint64_t i = 1; i <= JobBlock::kSize; ++i)
        records.push_back(store.claim());
    {
        RetireBatch retire(store);
        for (std::size_t i = 0; i + 1 < records.size(); ++i)
            retire.add(records[i]);
    }
    QVERIFY(!store.withRecord(5, [](JobRecord &) { return true; }));
    QVERIFY(store.withRecord(256, [](JobRecord &) { return true; }));
}

void tst_JobStore::partlyRetiredBlockStaysFindable()
{
    JobStore store;
    std::vector<JobRecord *> records;
    for (std::uint64_t i = 1; i < JobBlock::kSize; ++i)
        records.push_back(store.claim());
    {
        RetireBatch retire(store);
        for (std::size_t i = 1; i < records.size(); ++i) // all but id 1
            retire.add(records[i]);
    }
    QVERIFY(store.withRecord(1, [](JobRecord &) { return true; }));
}

void tst_JobStore::recycledBlockStartsEmpty()
{
    JobStore store;
    // Retire several full blocks; later blocks reuse the memory with reset records.
    for (int round = 0; round < 4; ++round) {
        std::vector<JobRecord *> records;
        for (std::uint64_t i = 0; i < JobBlock::kSize; ++i) {
            JobRecord *record = store.claim();
            QCOMPARE(record->state.load(), JobState::Empty);
            publish(record);
            records.push_back(record);
        }
        RetireBatch retire(store);
        for (JobRecord *record : records)
            retire.add(record);
    }
    QCOMPARE(store.claimed(), 4 * JobBlock::kSize);
}

void tst_JobStore::forEachRecordVisitsInIdOrder()
{
    JobStore store;
    for (int i = 0; i < 700; ++i)
        publish(store.claim());
    std::vector<std::uint64_t> pending;
    store.forEachRecord([&](JobRecord &record) {
        if (record.state.load() == JobState::Pending)
            pending.push_back(record.id);
    });
    QCOMPARE(pending.size(), 700u);
    QVERIFY(std::is_sorted(pending.begin(), pending.end()));
    QCOMPARE(pending.front(), 1u);
}

void tst_JobStore::concurrentClaimsAreUnique()
{
    constexpr int kThreads = 4;
    constexpr int kPerThread = 20000;
    JobStore store;
    std::vector<std::vector<std::uint64_t>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            RetireBatch retire(store);
            for (int i = 0; i < kPerThread; ++i) {
                JobRecord *record = store.claim();
                ids[t].push_back(record->id);
                publish(record);
                retire.add(record); // recycling runs concurrently with claims
            }
        });
    for (auto &thread : threads)
        thread.join();
    std::set<std::uint64_t> all;
    for (const auto &list : ids) {
        QVERIFY(std::is_sorted(list.begin(), list.end()));
        all.insert(list.begin(), list.end());
    }
    QCOMPARE(all.size(), std::size_t(kThreads * kPerThread));
    QCOMPARE(*all.begin(), 1u);
    QCOMPARE(*all.rbegin(), std::uint64_t(kThreads * kPerThread));
}

QTEST_GUILESS_MAIN(tst_JobStore)
#include "tst_jobstore.moc"
