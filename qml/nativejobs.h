// Public: C++ functions that QML submits to a ThreadPool by name.
#pragma once

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <functional>

namespace FastThreadPool::Qml {

/*!
    A C++ job callable from QML: it receives the arguments QML passed (flattened: numbers,
    strings, lists, maps, ...) and returns one value (a null QVariant reaches QML as null,
    an invalid one as undefined). It runs on a worker thread, so it must be thread-safe;
    a C++ exception becomes ThreadPool.failed with the exception's type and what().
*/
using NativeJob = std::function<QVariant(const QVariantList &args)>;

/*!
    Makes `job` callable as `pool.submit(name, args...)` from every ThreadPool of the
    process; a C++ job takes precedence over a JavaScript function of the same name.
    Replaces an earlier job of that name; an empty `job` removes the name. Any thread;
    register before QML submits. Throws std::invalid_argument for an empty name.
*/
void registerNativeJob(const QString &name, NativeJob job);

//! The job registered as `name`, or an empty function. Any thread.
NativeJob nativeJob(const QString &name);

} // namespace FastThreadPool::Qml
