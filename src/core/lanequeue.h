// Private: a multi-producer queue made of single-producer lanes. Each producing thread
// holds a lane of its own, so a push is a few plain stores and one release store: no
// shared tail, no lookup of the producer. Consumers (usually one thread) take entries
// under a mutex, scanning the lanes in turn. Entries keep their order within a lane.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace FastThreadPool::detail {

template<class T>
class LaneQueue
{
    struct Segment
    {
        static constexpr std::uint32_t kSize = 64;
        alignas(T) unsigned char storage[kSize][sizeof(T)];
        Segment *next = nullptr; // written by the producer before it publishes the entry after it
        T *slot(std::uint32_t i) noexcept
        {
            return std::launder(reinterpret_cast<T *>(storage[i]));
        }
    };

public:
    //! One producer's end. Used by one thread at a time (handed over through the queue).
    class Lane
    {
    public:
        //! Constructs the entry in place from `args`.
        template<class... Args>
        void emplace(Args &&...args)
        {
            if (m_tailPos == Segment::kSize) {
                auto *segment = new Segment;
                m_tail->next = segment; // published by the release store below
                m_tail = segment;
                m_tailPos = 0;
            }
            ::new (static_cast<void *>(m_tail->storage[m_tailPos++]))
                    T{std::forward<Args>(args)...};
            // release: the entry (and a new segment link) is visible to a consumer that
            // acquires the count. Only this lane's producer writes it.
            m_pushed.store(m_pushed.load(std::memory_order_relaxed) + 1, std::memory_order_release);
        }

        ~Lane()
        {
            T entry;
            while (pop(entry)) { }
            delete m_head;
        }

    private:
        friend class LaneQueue;
        Lane() : m_head(new Segment), m_tail(m_head) { }

        //! Consumer side, under the queue's mutex.
        bool pop(T &out)
        {
            // acquire: pairs with emplace()'s release; the entry and the links before it are
            // visible.
            if (m_popped == m_pushed.load(std::memory_order_acquire))
                return false;
            if (m_headPos == Segment::kSize) {
                Segment *next = m_head->next;
                delete m_head;
                m_head = next;
                m_headPos = 0;
            }
            T *entry = m_head->slot(m_headPos++);
            out = std::move(*entry);
            entry->~T();
            ++m_popped;
            return true;
        }

        // Consumer side (under the queue's mutex).
        Segment *m_head;
        std::uint32_t m_headPos = 0;
        std::uint64_t m_popped = 0;
        // Producer side.
        alignas(64) Segment *m_tail;
        std::uint32_t m_tailPos = 0;
        std::atomic<std::uint64_t> m_pushed{0};
    };

    LaneQueue() = default;
    LaneQueue(const LaneQueue &) = delete;
    LaneQueue &operator=(const LaneQueue &) = delete;

    //! A lane for the calling producer; a lane given back by an ended producer if any.
    Lane *acquireLane()
    {
        std::lock_guard lock(m_mutex);
        if (!m_free.empty()) {
            Lane *lane = m_free.back();
            m_free.pop_back();
            return lane;
        }
        m_lanes.push_back(std::unique_ptr<Lane>(new Lane));
        return m_lanes.back().get();
    }

    //! The producer is done with `lane`; its entries stay queued.
    void releaseLane(Lane *lane)
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(lane);
    }

    //! True if some lane holds an entry now (a snapshot).
    bool hasEntries()
    {
        std::lock_guard lock(m_mutex);
        for (const auto &lane : m_lanes) {
            // acquire: as pop().
            if (lane->m_popped != lane->m_pushed.load(std::memory_order_acquire))
                return true;
        }
        return false;
    }

    //! Takes an entry from some lane; false if every lane is empty now.
    bool tryPop(T &out)
    {
        std::lock_guard lock(m_mutex);
        const std::size_t lanes = m_lanes.size();
        for (std::size_t i = 0; i < lanes; ++i) {
            const std::size_t index = (m_nextLane + i) % lanes;
            if (m_lanes[index]->pop(out)) {
                m_nextLane = index + 1; // the next take starts at the next lane: fairness
                return true;
            }
        }
        return false;
    }

private:
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    std::vector<Lane *> m_free;
    std::size_t m_nextLane = 0;
};

} // namespace FastThreadPool::detail
