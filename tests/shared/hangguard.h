// Test helpers that turn a hang into a failure within seconds:
// - Watchdog: aborts the process (a test failure ctest reports at once) unless the scope it
//   guards ends in time. For hangs inside the process, where a stuck thread would keep the
//   test from ever returning.
// - runScenario(): runs a named scenario in a child process (this test binary again) and
//   reports whether it ended in time, its exit code and its output. For hangs at process
//   exit, and for scenarios that end the process (qFatal).
#pragma once

#include <QtCore/qcoreapplication.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstring.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace TestSupport {

class Watchdog
{
public:
    //! Aborts with a message naming `what` unless destroyed within `timeoutMs`.
    explicit Watchdog(std::string what, int timeoutMs = 10000)
        : m_what(std::move(what)), m_thread([this, timeoutMs] {
            std::unique_lock lock(m_mutex);
            if (m_done.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                [this] { return m_finished; }))
                return;
            std::fprintf(stderr, "FAIL! Watchdog: %s did not finish within %d ms (a hang)\n",
                         m_what.c_str(), timeoutMs);
            std::fflush(stderr);
            std::abort();
        })
    { }
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_done.notify_all();
        m_thread.join();
    }

private:
    std::string m_what;
    std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    std::thread m_thread; // last: starts after the members it uses
};

//! The environment variable naming the scenario a child runs.
inline constexpr const char *kScenarioVariable = "FASTTHREADPOOL_TEST_SCENARIO";

struct ChildResult
{
    bool finished = false; // ended within the timeout (else it was killed)
    bool crashed = false; // ended by a signal (qFatal, abort)
    int exitCode = -1;
    QString output; // stdout and stderr
};

//! Runs this test binary again with `scenario` (see FASTTHREADPOOL_SCENARIO_MAIN) and waits
//! for it at most `timeoutMs`; a child still running then is killed.
inline ChildResult runScenario(const char *scenario, int timeoutMs = 10000)
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kScenarioVariable), QString::fromLatin1(scenario));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {});
    ChildResult result;
    if (!child.waitForStarted(timeoutMs))
        return result;
    result.finished = child.waitForFinished(timeoutMs);
    if (!result.finished) {
        child.kill();
        child.waitForFinished(timeoutMs);
    }
    result.crashed = child.exitStatus() == QProcess::CrashExit;
    result.exitCode = child.exitCode();
    result.output = QString::fromLocal8Bit(child.readAll());
    return result;
}

//! The scenarios a test binary can run as a child: name -> main(argc, argv).
using Scenarios = std::map<std::string, std::function<int(int, char **)>>;

//! Runs the scenario the environment names, if any; returns its exit code, or -1 if none.
inline int runScenarioIfChild(const Scenarios &scenarios, int argc, char **argv)
{
    const char *name = std::getenv(kScenarioVariable);
    if (!name)
        return -1;
    const auto it = scenarios.find(name);
    if (it == scenarios.end()) {
        std::fprintf(stderr, "unknown scenario %s\n", name);
        return 99;
    }
    return it->second(argc, argv);
}

} // namespace TestSupport

//! A Qt Test main (no GUI) whose binary also runs the child scenarios of `scenarios()`.
#define FASTTHREADPOOL_SCENARIO_MAIN(TestObject, scenarios)                                        \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        if (const int code = TestSupport::runScenarioIfChild(scenarios(), argc, argv); code >= 0)  \
            return code;                                                                           \
        QCoreApplication app(argc, argv);                                                          \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                   \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&tc, argc, argv);                                                      \
    }
