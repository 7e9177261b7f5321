// qDebug() output of every public type: what a developer sees when printing them.
#include <fastthreadpool/fastthreadpool.h>

#include <QtTest/qtest.h>

#include <stdexcept>

using namespace FastThreadPool;

class tst_DebugOutput : public QObject
{
    Q_OBJECT

private slots:
    void result();
    void failure();
    void completion();
    void poolOptions();
    void pool();

private:
    template<class T>
    static QString print(const T &value)
    {
        QString text;
        QDebug(&text) << value;
        return text.trimmed();
    }
};

void tst_DebugOutput::result()
{
    QCOMPARE(print(Result{7, 42}),
             QStringLiteral("FastThreadPool::Result(id=7, QVariant(int, 42))"));
}

void tst_DebugOutput::failure()
{
    Failure failure;
    failure.id = 3;
    failure.type = QStringLiteral("std::runtime_error");
    failure.message = QStringLiteral("boom");
    QCOMPARE(print(failure),
             QStringLiteral("FastThreadPool::Failure(id=3, std::runtime_error: boom)"));
    failure.args = {1, QStringLiteral("x")};
    QVERIFY(print(failure).contains(QStringLiteral("args=")));
}

void tst_DebugOutput::completion()
{
    QCOMPARE(print(Completion(Result{1, 2})), print(Result{1, 2}));
    Failure failure;
    failure.type = QStringLiteral("int");
    QCOMPARE(print(Completion(failure)), print(failure));
}

void tst_DebugOutput::poolOptions()
{
    QCOMPARE(print(PoolOptions{}),
             QStringLiteral("FastThreadPool::PoolOptions(maxChildren=-9999)"));
    const QString text = print(
            PoolOptions{.maxChildren = 3, .doneCallback = false, .resultId = true, .doneMax = 5});
    QCOMPARE(text,
             QStringLiteral("FastThreadPool::PoolOptions(maxChildren=3, doneCallback=false, "
                            "resultId, doneMax=5)"));
}

void tst_DebugOutput::pool()
{
    Pool pool({.maxChildren = 2});
    pool.setObjectName(QStringLiteral("imageWorkers"));
    QCOMPARE(print(pool),
             QStringLiteral("FastThreadPool::Pool(maxChildren=2, alive=0, busy=0, "
                            "pending=0, name=\"imageWorkers\")"));
    pool.shutdown();
    QVERIFY(print(pool).endsWith(QStringLiteral(", shutdown)")));
}

QTEST_GUILESS_MAIN(tst_DebugOutput)
#include "tst_debugoutput.moc"
