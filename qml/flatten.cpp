#include "flatten.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qmetatype.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qjsvalueiterator.h>

namespace FastThreadPool::Qml::detail {

namespace {

QString constructorName(const QJSValue &value)
{
    const QString name = value.property(QStringLiteral("constructor"))
                                 .property(QStringLiteral("name"))
                                 .toString();
    return name.isEmpty() ? QStringLiteral("object") : name;
}

// Where a value sits ("argument 1.items[2]"), spelled out only when it is refused: the
// common case builds no strings.
struct Path
{
    const Path *parent = nullptr;
    const QString *root = nullptr; // the outermost name
    const QString *key = nullptr; // an object's property
    quint32 index = 0; // else an array's element

    QString toString() const
    {
        if (root)
            return *root;
        const QString outer = parent->toString();
        return key ? outer + QLatin1Char('.') + *key
                   : outer + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
    }
};

class Flattener
{
public:
    explicit Flattener(QJSEngine *engine) : m_engine(engine) { }

    bool run(const QJSValue &value, const Path &where, int depth, QVariant *out)
    {
        if (depth > kMaxDepth)
            return refuse(where,
                          QStringLiteral("nested deeper than %1 levels (a cycle?)").arg(kMaxDepth));
        if (value.isUndefined()) {
            *out = QVariant();
            return true;
        }
        if (value.isNull()) {
            *out = QVariant::fromValue(nullptr);
            return true;
        }
        if (value.isBool() || value.isNumber() || value.isString()) {
            *out = value.toVariant();
            return true;
        }
        if (value.isCallable())
            return refuse(where, QStringLiteral("a function cannot cross threads"));
        if (value.isQObject())
            return refuse(where,
                          QStringLiteral("a QObject cannot cross threads (it lives in "
                                         "one thread and one engine)"));
        if (value.isQMetaObject())
            return refuse(where, QStringLiteral("a QML type cannot cross threads"));
        if (value.isError())
            return refuse(where,
                          QStringLiteral("an Error object cannot cross threads; send "
                                         "its message"));
        if (value.isDate()) {
            *out = value.toDateTime();
            return true;
        }
        if (value.isRegExp()) {
            *out = value.toVariant();
            return true;
        }
        if (value.isArray())
            return array(value, where, depth, out);
        return object(value, where, depth, out);
    }

    QString error;

private:
    bool refuse(const Path &where, const QString &why)
    {
        error = where.toString() + QLatin1String(": ") + why;
        return false;
    }

    // Object.prototype, looked up on the first object only.
    const QJSValue &objectPrototype()
    {
        if (m_objectPrototype.isUndefined() && m_engine)
            m_objectPrototype = m_engine->globalObject()
                                        .property(QStringLiteral("Object"))
                                        .property(QStringLiteral("prototype"));
        return m_objectPrototype;
    }

    bool array(const QJSValue &value, const Path &where, int depth, QVariant *out)
    {
        const quint32 length = value.property(QStringLiteral("length")).toUInt();
        QVariantList list;
        list.reserve(qsizetype(length));
        for (quint32 i = 0; i < length; ++i) {
            QVariant item;
            if (!run(value.property(i), Path{&where, nullptr, nullptr, i}, depth + 1, &item))
                return false;
            list.append(std::move(item));
        }
        *out = list; // QVariant has no rvalue constructor from a list in Qt 6.4
        return true;
    }

    bool object(const QJSValue &value, const Path &where, int depth, QVariant *out)
    {
        const QJSValue prototype = value.prototype();
        const bool plain = prototype.isNull()
                || (m_engine ? prototype.strictlyEquals(objectPrototype())
                             : constructorName(value) == QLatin1String("Object"));
        if (!plain) {
            // Values of a C++ type (ArrayBuffer -> QByteArray, Qt.point -> QPointF, ...)
            // are self-contained; anything the engine can only show as a QJSValue or a
            // pointer is bound to it.
            QVariant native = value.toVariant();
            const QMetaType type = native.metaType();
            const bool owned = type.isValid() && type.id() != QMetaType::QVariantMap
                    && type.id() != QMetaType::QVariantList
                    && type != QMetaType::fromType<QJSValue>()
                    && !(type.flags() & (QMetaType::PointerToQObject | QMetaType::IsPointer));
            if (owned) {
                *out = std::move(native);
                return true;
            }
            const QString name = constructorName(value);
            if (name.endsWith(QLatin1String("Array")))
                return refuse(where,
                              QStringLiteral("a %1 cannot cross threads; send its "
                                             ".buffer (an ArrayBuffer) or a plain array")
                                      .arg(name));
            return refuse(where,
                          QStringLiteral("a %1 cannot cross threads; send a plain "
                                         "object or array")
                                  .arg(name));
        }
        QVariantMap map;
        QJSValueIterator it(value);
        while (it.hasNext()) {
            it.next();
            QVariant item;
            const QString key = it.name();
            if (!run(it.value(), Path{&where, nullptr, &key, 0}, depth + 1, &item))
                return false;
            map.insert(key, item);
        }
        *out = map;
        return true;
    }

    QJSEngine *m_engine;
    QJSValue m_objectPrototype;
};

} // namespace

Flattened flatten(QJSEngine *engine, const QJSValue &value, const QString &where)
{
    Flattener flattener(engine);
    Flattened result;
    if (!flattener.run(value, Path{nullptr, &where, nullptr, 0}, 0, &result.value)) {
        result.value = QVariant();
        result.error = flattener.error;
    }
    return result;
}

} // namespace FastThreadPool::Qml::detail
