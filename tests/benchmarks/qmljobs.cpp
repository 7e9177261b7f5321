// JavaScript jobs from QML: FastThreadPool's ThreadPool (one QJSEngine per worker, 2
// workers) against QML's WorkerScript (every WorkerScript of an engine shares one thread;
// two of them here, fed alternately). Both are driven the same way from QML: `count`
// calls, each result back in the GUI thread through a signal, timed until the last one.
//   fastthreadpool_qmljobs [--quick] [--rounds N] [--json FILE]
// Workloads: CPU-bound jobs (jobs/s; the goal is >= 1.8x on 2 cores), the overhead of a
// trivial job (us per job, submit to result in QML), and the first job on a fresh worker
// (thread start and engine creation) next to a warm one (ms).
#include "harness.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtQml/qqmlcomponent.h>
#include <QtQml/qqmlengine.h>

#include <chrono>
#include <cstdio>
#include <memory>

namespace {

using Clock = std::chrono::steady_clock;

// The jobs, for both peers: ThreadPool loads them as its source, WorkerScript behind its
// message protocol.
const char kFunctions[] = R"JS(
function work(iterations) {
    let x = 0;
    for (let i = 0; i < iterations; ++i)
        x = (x + i * i) % 1000003;
    return x;
}
function noop(x) {
    return x;
}
)JS";

const char kWorkerProtocol[] = R"JS(
WorkerScript.onMessage = function (message) {
    WorkerScript.sendMessage({ value: message.fn === "work" ? work(message.arg) : noop(message.arg) });
}
)JS";

// start(count, fn, arg) sends `count` calls; finished() when every result is back.
const char kPoolQml[] = R"QML(
import FastThreadPool
ThreadPool {
    id: root
    property int remaining: 0
    signal finished()
    source: "jobs.js"
    function start(count, fn, arg) {
        remaining = count;
        for (let i = 0; i < count; ++i)
            submit(fn, arg);
    }
    onDone: {
        if (--remaining === 0)
            finished();
    }
    onFailed: (id, error) => console.error(error.name + ": " + error.message)
}
)QML";

const char kWorkerQml[] = R"QML(
import QtQml
import QtQml.WorkerScript
QtObject {
    id: root
    property int remaining: 0
    property bool ready: first.ready && second.ready
    signal finished()
    function received() {
        if (--remaining === 0)
            finished();
    }
    function start(count, fn, arg) {
        remaining = count;
        for (let i = 0; i < count; ++i)
            (i % 2 === 0 ? first : second).sendMessage({ fn: fn, arg: arg });
    }
    property WorkerScript first: WorkerScript {
        source: "worker.js"
        onMessage: root.received()
    }
    property WorkerScript second: WorkerScript {
        source: "worker.js"
        onMessage: root.received()
    }
}
)QML";

class Fixture
{
public:
    Fixture()
    {
        if (!m_dir.isValid())
            Bench::fail("no temporary directory");
        write("jobs.js", kFunctions);
        write("worker.js", QByteArray(kFunctions) + kWorkerProtocol);
        m_engine.addImportPath(QStringLiteral(FASTTHREADPOOL_QML_IMPORT_DIR));
        m_pool = component("pool.qml", kPoolQml);
        m_worker = component("worker.qml", kWorkerQml);
    }

    enum class Peer { ThreadPool, WorkerScript };

    //! A fresh instance, ready to take calls (WorkerScript loads its script asynchronously).
    std::unique_ptr<QObject> create(Peer peer, int maxChildren = 2)
    {
        QQmlComponent &c = peer == Peer::ThreadPool ? *m_pool : *m_worker;
        std::unique_ptr<QObject> object(peer == Peer::ThreadPool ? c.createWithInitialProperties(
                                                {{"maxChildren", maxChildren}})
                                                                 : c.create());
        if (!object)
            Bench::fail("cannot create the QML object: " + c.errorString().toStdString());
        const auto deadline = Clock::now() + std::chrono::seconds(30);
        while (peer == Peer::WorkerScript && !object->property("ready").toBool()) {
            if (Clock::now() > deadline)
                Bench::fail("WorkerScript never became ready");
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        return object;
    }

    //! Sends `count` calls of fn(arg) and waits for every result; seconds.
    static double batch(QObject *object, int count, const char *fn, int arg)
    {
        QEventLoop loop;
        QObject::connect(object, SIGNAL(finished()), &loop, SLOT(quit()));
        QTimer::singleShot(120000, &loop, [] { Bench::fail("a batch took over 2 minutes"); });
        const auto start = Clock::now();
        QMetaObject::invokeMethod(object, "start", Q_ARG(QVariant, count),
                                  Q_ARG(QVariant, QString::fromLatin1(fn)), Q_ARG(QVariant, arg));
        loop.exec();
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

private:
    void write(const char *name, const QByteArray &text)
    {
        QFile file(m_dir.filePath(QString::fromLatin1(name)));
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
            Bench::fail(std::string("cannot write ") + name);
    }

    std::unique_ptr<QQmlComponent> component(const char *name, const char *qml)
    {
        auto c = std::make_unique<QQmlComponent>(&m_engine);
        c->setData(qml, QUrl::fromLocalFile(m_dir.filePath(QString::fromLatin1(name))));
        if (c->isError())
            Bench::fail("QML: " + c->errorString().toStdString());
        return c;
    }

    QTemporaryDir m_dir;
    QQmlEngine m_engine;
    std::unique_ptr<QQmlComponent> m_pool;
    std::unique_ptr<QQmlComponent> m_worker;
};

using Peer = Fixture::Peer;

Bench::Workload cpuBound(Fixture &fixture, bool quick)
{
    const int jobs = quick ? 8 : 32;
    const int iterations = quick ? 200000 : 1000000;
    Bench::Workload w{"CPU-bound JavaScript jobs (" + std::to_string(jobs) + " x work("
                              + std::to_string(iterations) + "), 2 threads)",
                      {"jobs/s"},
                      true,
                      {}};
    for (Peer peer : {Peer::ThreadPool, Peer::WorkerScript}) {
        w.peers.push_back({peer == Peer::ThreadPool ? "ThreadPool" : "WorkerScript", [=, &fixture] {
                               auto object = fixture.create(peer);
                               Fixture::batch(object.get(), 4, "work", iterations / 10); // warm
                               return Bench::Values(
                                       jobs
                                       / Fixture::batch(object.get(), jobs, "work", iterations));
                           }});
    }
    return w;
}

Bench::Workload overhead(Fixture &fixture, bool quick)
{
    const int jobs = quick ? 200 : 5000;
    Bench::Workload w{"trivial JavaScript job, submit to result in QML (" + std::to_string(jobs)
                              + " jobs)",
                      {"us per job"},
                      false,
                      {}};
    for (Peer peer : {Peer::ThreadPool, Peer::WorkerScript}) {
        w.peers.push_back({peer == Peer::ThreadPool ? "ThreadPool" : "WorkerScript", [=, &fixture] {
                               auto object = fixture.create(peer);
                               Fixture::batch(object.get(), 20, "noop", 1); // warm
                               return Bench::Values(
                                       1e6 * Fixture::batch(object.get(), jobs, "noop", 1) / jobs);
                           }});
    }
    return w;
}

Bench::Workload firstUse(Fixture &fixture)
{
    Bench::Workload w{"first job on a fresh worker (thread + engine + source) vs the next",
                      {"ms first job", "ms next job"},
                      false,
                      {}};
    w.peers.push_back({"ThreadPool", [&fixture] {
                           auto object = fixture.create(Peer::ThreadPool, 1);
                           const double first = Fixture::batch(object.get(), 1, "noop", 1);
                           const double next = Fixture::batch(object.get(), 1, "noop", 1);
                           return Bench::Values{1e3 * first, 1e3 * next};
                       }});
    w.peers.push_back({"WorkerScript", [&fixture] {
                           // Its thread is the engine's and outlives the object; the cost
                           // of a new WorkerScript is loading its script, timed until ready.
                           const auto start = Clock::now();
                           auto object = fixture.create(Peer::WorkerScript);
                           const double first = Fixture::batch(object.get(), 1, "noop", 1)
                                   + std::chrono::duration<double>(Clock::now() - start).count();
                           const double next = Fixture::batch(object.get(), 1, "noop", 1);
                           return Bench::Values{1e3 * first, 1e3 * next};
                       }});
    return w;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const Bench::Options options = Bench::parseOptions(
            parser, app, "JavaScript jobs: FastThreadPool's QML ThreadPool against WorkerScript.",
            9);

    std::printf("QML JavaScript jobs: %d cores, %d rounds%s\n", QThread::idealThreadCount(),
                options.rounds, options.quick ? " (quick)" : "");
    Fixture fixture;
    const std::vector<Bench::Workload> workloads{
            cpuBound(fixture, options.quick), overhead(fixture, options.quick), firstUse(fixture)};
    const auto records = Bench::run(workloads, options);
    Bench::printTable(records);
    if (!options.json.isEmpty())
        Bench::writeJson(records, options.json);
    return 0;
}
