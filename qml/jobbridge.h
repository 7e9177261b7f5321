// Internal: FastThreadPool::Qml::detail::JobBridge, what a JavaScript job calls to talk to
// its pool: progress(value, max, text) and cancelled(), as global functions of every
// worker engine.
#pragma once

#include <QtCore/qobject.h>
#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace FastThreadPool::Qml::detail {

class JobBridge : public QObject
{
    Q_OBJECT
public:
    explicit JobBridge(QJSEngine &engine) : m_engine(engine) { }

    //! ThisJob::setProgress(); a bad value throws a RangeError in the job.
    Q_INVOKABLE void progress(double value, double maximum, const QString &text);
    //! ThisJob::isCancelled().
    Q_INVOKABLE bool cancelled() const;

    //! Defines progress() and cancelled() as global functions of `engine`, calling `bridge`.
    static void install(QJSEngine &engine, JobBridge &bridge);

private:
    QJSEngine &m_engine;
};

} // namespace FastThreadPool::Qml::detail
