// Built against the installed package: headers, library, CMake config and moc together.
#include <fastthreadpool/fastthreadpool.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qobject.h>

#include <cstdio>

class Summer : public QObject
{
    Q_OBJECT
public:
    int sum(FastThreadPool::Pool &pool)
    {
        pool.map([](int x) { return x * x; }, {1, 2, 3, 4});
        int total = 0;
        for (const auto &entry : pool.asCompleted())
            total += entry.value().toInt();
        return total;
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    FastThreadPool::Pool pool({.maxChildren = 2});
    Summer summer;
    const int total = summer.sum(pool);
    std::printf("sum of squares: %d\n", total);
    return total == 30 ? 0 : 1;
}

#include "main.moc"
