// The textbook baselines: a thread pool and a semaphore built from one mutex and one
// condition variable, as every course teaches them.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace Bench {

class TextbookPool
{
public:
    explicit TextbookPool(int threads)
    {
        for (int i = 0; i < threads; ++i)
            m_threads.emplace_back([this] { work(); });
    }
    ~TextbookPool()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        for (auto &thread : m_threads)
            thread.join();
    }
    void submit(std::function<void()> job)
    {
        {
            std::lock_guard lock(m_mutex);
            m_jobs.push_back(std::move(job));
            ++m_unfinished;
        }
        m_wake.notify_one();
    }
    void waitIdle()
    {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return m_unfinished == 0; });
    }

private:
    void work()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_jobs.empty())
                return;
            auto job = std::move(m_jobs.front());
            m_jobs.pop_front();
            lock.unlock();
            job();
            lock.lock();
            if (--m_unfinished == 0)
                m_idle.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake, m_idle;
    std::deque<std::function<void()>> m_jobs;
    long m_unfinished = 0;
    bool m_stop = false;
    std::vector<std::thread> m_threads;
};

class TextbookSemaphore
{
public:
    explicit TextbookSemaphore(int value) : m_value(value) { }
    void acquire()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_value > 0; });
        --m_value;
    }
    void release()
    {
        {
            std::lock_guard lock(m_mutex);
            ++m_value;
        }
        m_changed.notify_one();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_value;
};

} // namespace Bench
