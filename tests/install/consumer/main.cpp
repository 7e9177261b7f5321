// Built against the installed package: headers, library, CMake config and moc together;
// given the installed QML directory, it also imports the QML module from there.
#include <fastthreadpool/fastthreadpool.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qobject.h>
#include <QtCore/qtimer.h>
#include <QtQml/qqmlcomponent.h>
#include <QtQml/qqmlengine.h>

#include <cstdio>
#include <memory>

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

//! `import FastThreadPool` from `importDir`: a JavaScript job's result comes back.
static bool qmlModuleWorks(const QString &importDir)
{
    QQmlEngine engine;
    engine.addImportPath(importDir);
    QQmlComponent component(&engine);
    component.setData("import QtQml\n"
                      "import FastThreadPool\n"
                      "ThreadPool {\n"
                      "    property var answer\n"
                      "    onDone: (id, result) => answer = result\n"
                      "    Component.onCompleted: submit(\"(a, b) => a * b\", 6, 7)\n"
                      "}\n",
                      QUrl());
    std::unique_ptr<QObject> pool(component.create());
    if (!pool) {
        std::printf("QML module: %s\n", qPrintable(component.errorString()));
        return false;
    }
    QEventLoop loop;
    QTimer::singleShot(30000, &loop, &QEventLoop::quit); // a deadline, not a clock
    QObject::connect(pool.get(), SIGNAL(answerChanged()), &loop, SLOT(quit()));
    if (!pool->property("answer").isValid())
        loop.exec();
    const int answer = pool->property("answer").toInt();
    std::printf("QML job: %d\n", answer);
    return answer == 42;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    FastThreadPool::Pool pool({.maxChildren = 2});
    Summer summer;
    const int total = summer.sum(pool);
    std::printf("sum of squares: %d\n", total);
    if (total != 30)
        return 1;
    if (argc > 1 && !qmlModuleWorks(QString::fromLocal8Bit(argv[1])))
        return 1;
    return 0;
}

#include "main.moc"
