// Public: FastThreadPool::Qml::JsError, what a failed JavaScript job throws on its worker.
#pragma once

#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

#include <stdexcept>

namespace FastThreadPool::Qml {

/*!
    A JavaScript job's failure as it travels from the worker to ThreadPool::failed: the
    JavaScript error's fields, flattened to strings on the worker (an Error object is bound
    to the worker's engine and must not leave it). Thrown by the worker and rethrown from
    the Failure in the pool's thread.
*/
class JsError : public std::runtime_error
{
public:
    JsError(QString name, QString message, QString stack = {}, QString fileName = {},
            int lineNumber = 0)
        : std::runtime_error((name + QLatin1String(": ") + message).toStdString())
        , m_name(std::move(name))
        , m_message(std::move(message))
        , m_stack(std::move(stack))
        , m_fileName(std::move(fileName))
        , m_lineNumber(lineNumber)
    { }

    //! The error's constructor name: "TypeError", "ReferenceError", ..., "InterruptedError".
    const QString &name() const noexcept { return m_name; }
    const QString &message() const noexcept { return m_message; }
    //! One "function@file:line" line per frame, innermost first.
    const QString &stack() const noexcept { return m_stack; }
    const QString &fileName() const noexcept { return m_fileName; }
    int lineNumber() const noexcept { return m_lineNumber; }

    //! {name, message, stack, fileName, lineNumber}: the error object QML receives.
    QVariantMap toMap() const
    {
        return {{QStringLiteral("name"), m_name},
                {QStringLiteral("message"), m_message},
                {QStringLiteral("stack"), m_stack},
                {QStringLiteral("fileName"), m_fileName},
                {QStringLiteral("lineNumber"), m_lineNumber}};
    }

private:
    QString m_name;
    QString m_message;
    QString m_stack;
    QString m_fileName;
    int m_lineNumber;
};

} // namespace FastThreadPool::Qml
