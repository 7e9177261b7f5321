#include <fastthreadpool/generator.h>

#include <QtTest/qtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using FastThreadPool::Generator;

class tst_Generator : public QObject
{
    Q_OBJECT

private slots:
    void yieldsEveryValueInOrder();
    void emptyGeneratorYieldsNothing();
    void isLazy();
    void exceptionAfterYieldsKeepsEarlierValues();
    void exceptionBeforeFirstYieldThrowsFromBegin();
    void yieldsLvaluesAndTemporaries();
    void movedGeneratorKeepsItsPlace();
    void abandonedGeneratorIsDestroyed();
};

namespace {
Generator<int> range(int from, int to)
{
    for (int i = from; i < to; ++i)
        co_yield i;
}

Generator<int> failingAfter(int good)
{
    for (int i = 1; i <= good; ++i)
        co_yield i;
    throw std::runtime_error("after " + std::to_string(good));
}

template<class T>
std::vector<T> collect(Generator<T> generator)
{
    std::vector<T> values;
    for (const T &value : generator)
        values.push_back(value);
    return values;
}
} // namespace

void tst_Generator::yieldsEveryValueInOrder()
{
    QCOMPARE(collect(range(3, 7)), (std::vector<int>{3, 4, 5, 6}));
}

void tst_Generator::emptyGeneratorYieldsNothing() { QVERIFY(collect(range(5, 5)).empty()); }

void tst_Generator::isLazy()
{
    int produced = 0;
    auto counting = [&produced]() -> Generator<int> {
        for (int i = 0; i < 100; ++i) {
            ++produced;
            co_yield i;
        }
    };
    auto generator = counting();
    QCOMPARE(produced, 0);
    auto it = generator.begin();
    QCOMPARE(*it, 0);
    ++it;
    ++it;
    QCOMPARE(*it, 2);
    QCOMPARE(produced, 3);
}

void tst_Generator::exceptionAfterYieldsKeepsEarlierValues()
{
    std::vector<int> seen;
    bool thrown = false;
    try {
        for (int value : failingAfter(2))
            seen.push_back(value);
    } catch (const std::runtime_error &e) {
        thrown = true;
        QCOMPARE(std::string(e.what()), std::string("after 2"));
    }
    QVERIFY(thrown);
    QCOMPARE(seen, (std::vector<int>{1, 2}));
}

void tst_Generator::exceptionBeforeFirstYieldThrowsFromBegin()
{
    auto generator = failingAfter(0);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, generator.begin());
}

void tst_Generator::yieldsLvaluesAndTemporaries()
{
    auto words = []() -> Generator<std::string> {
        std::string kept = "kept";
        co_yield kept;
        co_yield std::string("temporary");
        const std::string constant = "constant";
        co_yield constant;
    };
    QCOMPARE(collect(words()), (std::vector<std::string>{"kept", "temporary", "constant"}));
}

void tst_Generator::movedGeneratorKeepsItsPlace()
{
    auto first = range(0, 3);
    auto it = first.begin();
    QCOMPARE(*it, 0);
    Generator<int> second = std::move(first);
    std::vector<int> rest;
    for (++it; it != second.end(); ++it)
        rest.push_back(*it);
    QCOMPARE(rest, (std::vector<int>{1, 2}));
}

void tst_Generator::abandonedGeneratorIsDestroyed()
{
    struct Flag
    {
        bool *destroyed;
        ~Flag() { *destroyed = true; }
    };
    bool destroyed = false;
    {
        auto generator = [](bool *flag) -> Generator<int> {
            Flag guard{flag};
            co_yield 1;
            co_yield 2;
        }(&destroyed);
        QCOMPARE(*generator.begin(), 1);
    }
    QVERIFY(destroyed);
}

QTEST_GUILESS_MAIN(tst_Generator)
#include "tst_generator.moc"
