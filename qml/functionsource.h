// Internal: the source text of a JavaScript function value, which Qt's engine does not keep.
#pragma once

#include <QtCore/qstring.h>
#include <QtQml/qjsvalue.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace FastThreadPool::Qml::detail {

struct FunctionText
{
    QString text; //!< a function expression, or empty with `error` set
    QString fileName; //!< the file it was read from
    int lineNumber = 1; //!< the line of `fileName` on which `text` starts
    QString error;
};

/*!
    Finds the text of `function`, an argument of a ThreadPool method `method` (at position
    `argument`, 0-based) that QML code running on `engine` is calling right now.

    Qt's engine gives every function's toString() as "function name() { [native code] }",
    so the text is read from the calling file: the engine's stack names the file and line
    of the call; there, the argument is taken if it is a function or arrow expression,
    and otherwise (an identifier) the file's `function NAME(...) {...}` declaration of that
    name (or of the function's own name) is taken. Only local and qrc files are read.
    GUI (engine) thread only.
*/
FunctionText functionSource(QJSEngine *engine, const QJSValue &function, const char *method,
                            int argument);

} // namespace FastThreadPool::Qml::detail
