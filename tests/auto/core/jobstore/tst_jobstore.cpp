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
    void idsIncreaseAndSkipBlockHeaders();
    void claimedCountsJobIdsOnly();
    void recordLivesInTheSlotOfItsId();
    void recordIsFoundByItsId();
    void unknownIdIsNotFound();
    void blockIsRecycledWhenEveryShareEnded();
    void blockWithAnOpenShareStays();
    void forEachRecordVisitsInIdOrder();
    void concurrentClaimsAreUnique();
};

namespace {
void publish(const JobStore::Claim &claim)
{
    claim.record->word.store(
            JobWord::make(claim.id, FastThreadPool::detail::Placement::Tail, JobState::Pending),
            std::memory_order_release);
}

// Ends both shares of life of every record of `claims`.
void retireAll(JobStore &store, const std::vector<JobStore::Claim> &claims)
{
    RetireBatch retire(store);
    for (const auto &claim : claims)
        retire.add(claim.record, 2);
}
} // namespace

void tst_JobStore::idsIncreaseAndSkipBlockHeaders()
{
    JobStore store;
    std::uint64_t previous = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::uint64_t id = store.claim().id;
        QVERIFY(id > previous);
        QVERIFY(id % JobBlock::kSlots != 0);
        previous = id;
    }
    QCOMPARE(previous, 1000u + 1000u / 255u); // 1..255, 257..511, ...
}

void tst_JobStore::claimedCountsJobIdsOnly()
{
    JobStore store;
    QCOMPARE(store.claimed(), 0u);
    for (int i = 0; i < 600; ++i)
        store.claim();
    QCOMPARE(store.claimed(), 600u);
}

void tst_JobStore::recordLivesInTheSlotOfItsId()
{
    JobStore store;
    for (int i = 0; i < 600; ++i) {
        const auto claim = store.claim();
        JobBlock *block = JobBlock::of(claim.record);
        QCOMPARE(block->header.index.load(), claim.id / JobBlock::kSlots);
        QCOMPARE(&block->slot(claim.id), claim.record);
        QVERIFY(!claim.record->task);
    }
}

void tst_JobStore::recordIsFoundByItsId()
{
    JobStore store;
    JobStore::Claim last{};
    for (int i = 0; i < 300; ++i)
        last = store.claim();
    publish(last);
    JobRecord *found = nullptr;
    QVERIFY(store.withRecord(last.id, [&](JobRecord &r) {
        found = &r;
        return true;
    }));
    QCOMPARE(found, last.record);
}

void tst_JobStore::unknownIdIsNotFound()
{
    JobStore store;
    store.claim();
    QVERIFY(!store.withRecord(1'000'000, [](JobRecord &) { return true; }));
    QVERIFY(!store.withRecord(256, [](JobRecord &) { return true; })); // a header's id
}

void tst_JobStore::blockIsRecycledWhenEveryShareEnded()
{
    JobStore store;
    std::vector<JobStore::Claim> first;
    for (std::uint64_t i = 0; i < JobBlock::kSlots - 1; ++i)
        first.push_back(store.claim());
    JobBlock *block = JobBlock::of(first.front().record);
    const auto next = store.claim(); // opens block 1
    retireAll(store, first);
    QVERIFY(!store.withRecord(first.front().id, [](JobRecord &) { return true; }));
    QVERIFY(store.withRecord(next.id, [](JobRecord &) { return true; }));
    // The next new block reuses the recycled memory.
    std::vector<JobStore::Claim> later;
    for (std::uint64_t i = 0; i < JobBlock::kSlots; ++i)
        later.push_back(store.claim());
    QCOMPARE(JobBlock::of(later.back().record), block);
}

void tst_JobStore::blockWithAnOpenShareStays()
{
    JobStore store;
    std::vector<JobStore::Claim> claims;
    for (std::uint64_t i = 0; i < JobBlock::kSlots - 1; ++i)
        claims.push_back(store.claim());
    {
        RetireBatch retire(store);
        for (const auto &claim : claims)
            retire.add(claim.record, claim.id == 1 ? 1 : 2); // id 1 keeps one share
    }
    QVERIFY(store.withRecord(1, [](JobRecord &) { return true; }));
}

void tst_JobStore::forEachRecordVisitsInIdOrder()
{
    JobStore store;
    for (int i = 0; i < 700; ++i)
        publish(store.claim());
    std::vector<std::uint64_t> pending;
    store.forEachRecord([&](JobRecord &record) {
        const auto word = record.word.load();
        if (JobWord::state(word) == JobState::Pending && JobWord::id(word) != 0)
            pending.push_back(JobWord::id(word));
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
                const auto claim = store.claim();
                ids[std::size_t(t)].push_back(claim.id);
                publish(claim);
                retire.add(claim.record, 2); // recycling runs concurrently with claims
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
    QCOMPARE(store.claimed(), std::uint64_t(kThreads * kPerThread));
}

QTEST_GUILESS_MAIN(tst_JobStore)
#include "tst_jobstore.moc"
