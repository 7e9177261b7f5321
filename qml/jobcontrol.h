// Internal: FastThreadPool::Qml::detail::JobControl, the link between a JavaScript job (or
// a JavaScript timer) and the worker engine running it, so that it can be interrupted.
#pragma once

#include <QtCore/qmutex.h>
#include <QtCore/qstring.h>
#include <QtQml/qjsengine.h>

namespace FastThreadPool::Qml::detail {

/*!
    Shared by the job's closure (on the worker) and the ThreadPool (in the GUI thread).
    A plain mutex, not atomics: it is taken twice per job, never contended in the common
    case, and it makes "interrupt the engine only while it runs *this* job" trivially
    true (the worker detaches under the same lock before its engine runs anything else).
*/
class JobControl
{
public:
    //! Worker: the job starts on `engine`. False if it was stopped before it started.
    bool attach(QJSEngine *engine)
    {
        QMutexLocker lock(&m_mutex);
        if (m_stopped)
            return false;
        m_engine = engine;
        return true;
    }

    //! Worker: the job ended. Clears the engine's interrupt flag for its next job, and
    //! returns true if the job was stopped while it ran.
    bool detach()
    {
        QMutexLocker lock(&m_mutex);
        if (m_engine)
            m_engine->setInterrupted(false);
        m_engine = nullptr;
        m_runs += 1;
        return m_stopped;
    }

    /*!
        Any thread: no run of this job starts from now on, and a running one is interrupted
        (it fails with an InterruptedError). Returns false only if the job already ran to
        its end (a one-shot job that detached): there was nothing left to stop.
    */
    bool stop(const QString &reason)
    {
        QMutexLocker lock(&m_mutex);
        const bool wasLive = m_engine || m_runs == 0;
        if (!m_stopped)
            m_reason = reason;
        m_stopped = true;
        if (m_engine)
            m_engine->setInterrupted(true);
        return wasLive;
    }

    QString reason() const
    {
        QMutexLocker lock(&m_mutex);
        return m_reason;
    }

private:
    mutable QMutex m_mutex;
    QJSEngine *m_engine = nullptr; // set while a run is on an engine
    bool m_stopped = false;
    int m_runs = 0;
    QString m_reason;
};

} // namespace FastThreadPool::Qml::detail
