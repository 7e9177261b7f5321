// Internal: JavaScript values to thread-neutral QVariants and back.
#pragma once

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>
#include <QtQml/qjsvalue.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace FastThreadPool::Qml::detail {

//! A flattened value, or why the value cannot cross threads.
struct Flattened
{
    QVariant value;
    QString error; //!< empty on success
};

/*!
    Turns `value`, which belongs to `engine`, into a QVariant that owns no JavaScript
    state and may therefore travel to another thread and engine: undefined, null,
    booleans, numbers, strings, Date, RegExp, ArrayBuffer, arrays and plain objects of
    these (recursively), and Qt value types (point, rect, color, url...). Functions,
    QObjects, Error/Map/Set/typed arrays/class instances, and anything nested deeper than
    kMaxDepth are refused: `error` then names the place ("argument 1.items[2]") and why.
    Must run in the thread of `engine`; `engine` may be null (a plain object is then told
    by its constructor's name).
*/
Flattened flatten(QJSEngine *engine, const QJSValue &value, const QString &where);

inline constexpr int kMaxDepth = 64;

} // namespace FastThreadPool::Qml::detail
