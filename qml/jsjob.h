// Internal: FastThreadPool::Qml::detail::JsJob, one JavaScript call shipped to a worker,
// and the per-worker QJSEngine it runs on.
#pragma once

#include "jobcontrol.h"

#include <QtCore/qstring.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariant.h>

#include <memory>

namespace FastThreadPool::Qml::detail {

//! What every worker engine of one ThreadPool loads first: its `source` file. Immutable
//! once made (in the GUI thread); a new `source` makes a new one and the workers reload.
struct JsSetup
{
    QUrl url; //!< empty: no source
    QString text; //!< a .js source: its text
    QString modulePath; //!< a .mjs source: the path QJSEngine::importModule() takes
    QString readError; //!< non-empty: the file could not be read; JavaScript jobs fail
};

/*!
    One JavaScript call: the function (a name defined by the source file, or the text of a
    function expression) and its arguments, flattened in the GUI thread. Copyable, so that
    periodic timers can run it again. The call operator runs on a worker thread, on that
    thread's engine, and throws JsError for every failure (syntax, exception, interrupt,
    a result that cannot cross threads).
*/
struct JsJob
{
    std::shared_ptr<const JsSetup> setup;
    std::shared_ptr<JobControl> control; //!< never null
    QString function;
    bool byName = false;
    QString fileName; //!< where the function text came from, for stack traces
    int lineNumber = 1; //!< the line in fileName at which the function text starts
    QVariantList args;

    QVariant operator()() const;
};

//! True if `text` is a function name ("count", "lib.count") rather than function source.
bool isFunctionName(const QString &text);

//! Worker: destroys this thread's engine, if it has one (the pool's finishCallback).
void releaseThreadEngine();

} // namespace FastThreadPool::Qml::detail
