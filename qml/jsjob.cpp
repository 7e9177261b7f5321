#include "jsjob.h"

#include "flatten.h"
#include "jobbridge.h"
#include "jserror.h"

#include <fastthreadpool/errors.h>
#include <fastthreadpool/thisjob.h>

#include <QtCore/qhash.h>
#include <QtCore/qregularexpression.h>
#include <QtQml/qjsengine.h>

#include <optional>

namespace FastThreadPool::Qml::detail {

namespace {

const QString kRunnerFile = QStringLiteral("fastthreadpool:runner");

// Calls f(...args) and reports how it ended as a plain object: QJSValue::call() alone
// cannot tell `throw 42` from `return 42`. An interrupt is not catchable: it ends the call
// with the engine's interrupt flag set.
const QString kRunner = QStringLiteral(R"JS((function (f, args) {
    try {
        return { ok: true, value: f.apply(undefined, args) };
    } catch (e) {
        if (e instanceof Error)
            return { ok: false, name: e.name, message: e.message, stack: e.stack,
                     fileName: e.fileName, lineNumber: e.lineNumber };
        let text;
        try { text = String(e); } catch (_) { text = typeof e; }
        return { ok: false, name: "Error", message: "uncaught exception: " + text,
                 stack: "", fileName: "", lineNumber: 0 };
    }
}))JS");

constexpr qsizetype kMaxCompiled = 512;

const QString kBridgeFile = QStringLiteral("fastthreadpool:bridge");
// The job's own view of its pool. Defined before the source file, which may redefine them.
const QString kBridge = QStringLiteral(R"JS((function (bridge) {
    return {
        progress: function (value, maximum, text) {
            bridge.progress(value, maximum === undefined ? 100 : maximum,
                            text === undefined ? "" : String(text));
        },
        cancelled: function () { return bridge.cancelled(); }
    };
}))JS");

// The stack without the runner's own frame.
QString userStack(const QString &stack)
{
    QStringList lines = stack.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    lines.removeIf([](const QString &line) {
        return line.contains(kRunnerFile) || line.startsWith(QLatin1String("%entry@"));
    });
    return lines.join(QLatin1Char('\n'));
}

// QJSEngine::evaluate() takes its file name as a local path and reports it as a URL,
// "file:" + name, also when the name already is a URL ("file:file:///x.js",
// "file:qrc:/x.js") or no path at all: undo that. A real path keeps its "file:///".
QString reportedName(QString text)
{
    static const QRegularExpression added(QStringLiteral("\\bfile:(?!//)"));
    return text.remove(added);
}

JsError errorFrom(const QJSValue &error, const QString &prefix = {})
{
    return JsError(error.property(QStringLiteral("name")).toString(),
                   prefix + error.property(QStringLiteral("message")).toString(),
                   reportedName(userStack(error.property(QStringLiteral("stack")).toString())),
                   reportedName(error.property(QStringLiteral("fileName")).toString()),
                   error.property(QStringLiteral("lineNumber")).toInt());
}

QString describe(const QJSValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("undefined");
    if (value.isNull())
        return QStringLiteral("null");
    if (value.isNumber())
        return QStringLiteral("a number");
    if (value.isString())
        return QStringLiteral("a string");
    if (value.isBool())
        return QStringLiteral("a boolean");
    return QStringLiteral("an object");
}

//! One worker thread's engine, created on the thread's first JavaScript job and kept for
//! the next ones (creating an engine costs about a millisecond).
class WorkerEngine
{
public:
    explicit WorkerEngine(std::shared_ptr<const JsSetup> setup) : m_setup(std::move(setup))
    {
        m_engine.installExtensions(QJSEngine::ConsoleExtension);
        m_runner = m_engine.evaluate(kRunner, kRunnerFile);
        JobBridge::install(m_engine, m_bridge);
    }

    QJSEngine &engine() { return m_engine; }
    const JsSetup *setup() const { return m_setup.get(); }

    //! Loads the source file on first use; throws JsError if it cannot.
    void load()
    {
        if (m_loaded)
            return;
        const JsSetup &setup = *m_setup;
        if (!setup.readError.isEmpty())
            throw JsError(QStringLiteral("Error"), setup.readError);
        if (!setup.modulePath.isEmpty()) {
            m_module = m_engine.importModule(setup.modulePath);
            if (m_module.isError())
                throw errorFrom(m_module, QStringLiteral("loading %1: ").arg(setup.url.toString()));
        } else if (!setup.text.isEmpty()) {
            const QJSValue result = m_engine.evaluate(setup.text, setup.url.toString());
            if (result.isError())
                throw errorFrom(result, QStringLiteral("loading %1: ").arg(setup.url.toString()));
        }
        m_loaded = true;
    }

    QJSValue function(const JsJob &job)
    {
        return job.byName ? byName(job.function) : compiled(job);
    }

    QJSValue run(const QJSValue &function, const QVariantList &args)
    {
        QJSValue argv = m_engine.newArray(quint32(args.size()));
        for (qsizetype i = 0; i < args.size(); ++i)
            argv.setProperty(quint32(i), m_engine.toScriptValue(args.at(i)));
        return m_runner.call({function, argv});
    }

private:
    QJSValue byName(const QString &name)
    {
        const QStringList parts = name.split(QLatin1Char('.'));
        QJSValue value;
        for (const QJSValue &root : {m_module, m_engine.globalObject()}) {
            if (!root.isObject())
                continue;
            value = root;
            for (const QString &part : parts)
                value = value.isObject() ? value.property(part) : QJSValue();
            if (!value.isUndefined())
                break;
        }
        if (value.isUndefined()) {
            const QString where = m_setup->url.isEmpty()
                    ? QStringLiteral("no ThreadPool.source is set")
                    : QStringLiteral("not defined by %1").arg(m_setup->url.toString());
            throw JsError(QStringLiteral("ReferenceError"),
                          QStringLiteral("no function named '%1' (%2)").arg(name, where));
        }
        if (!value.isCallable())
            throw JsError(QStringLiteral("TypeError"),
                          QStringLiteral("'%1' is %2, not a function").arg(name, describe(value)));
        return value;
    }

    QJSValue compiled(const JsJob &job)
    {
        auto it = m_compiled.constFind(job.function);
        if (it != m_compiled.cend())
            return *it;
        // The parentheses make a declaration ("function f() {}") an expression too.
        QJSValue value = m_engine.evaluate(QLatin1Char('(') + job.function + QLatin1String("\n)"),
                                           job.fileName, job.lineNumber);
        if (value.isError())
            throw errorFrom(value);
        if (!value.isCallable())
            throw JsError(
                    QStringLiteral("TypeError"),
                    QStringLiteral("the job's source is %1, not a function").arg(describe(value)));
        if (m_compiled.size() >= kMaxCompiled)
            m_compiled.clear(); // generated sources: bound the cache, recompile the live ones
        m_compiled.insert(job.function, value);
        return value;
    }

    std::shared_ptr<const JsSetup> m_setup;
    QJSEngine m_engine;
    JobBridge m_bridge{m_engine}; // after the engine it reports errors to
    QJSValue m_runner;
    QJSValue m_module;
    bool m_loaded = false;
    QHash<QString, QJSValue> m_compiled;
};

thread_local std::unique_ptr<WorkerEngine> t_engine;

WorkerEngine &engineFor(const std::shared_ptr<const JsSetup> &setup)
{
    if (!t_engine || t_engine->setup() != setup.get())
        t_engine = std::make_unique<WorkerEngine>(setup); // a new source: start afresh
    return *t_engine;
}

} // namespace

void JobBridge::progress(double value, double maximum, const QString &text)
{
    try {
        // Out of int's range is out of range: ThisJob::setProgress() says so.
        auto toInt = [](double v) { return v >= -1e9 && v <= 1e9 ? int(v) : -1; };
        ThisJob::setProgress(toInt(value), toInt(maximum), text);
    } catch (const std::exception &error) {
        // Never through the engine's frames: a JavaScript RangeError instead.
        m_engine.throwError(QJSValue::RangeError, QString::fromUtf8(error.what()));
    }
}

bool JobBridge::cancelled() const { return ThisJob::isCancelled(); }

void JobBridge::install(QJSEngine &engine, JobBridge &bridge)
{
    QJSEngine::setObjectOwnership(&bridge, QJSEngine::CppOwnership); // a member, not garbage
    const QJSValue functions
            = engine.evaluate(kBridge, kBridgeFile).call({engine.newQObject(&bridge)});
    for (const QString &name : {QStringLiteral("progress"), QStringLiteral("cancelled")})
        engine.globalObject().setProperty(name, functions.property(name));
}

bool isFunctionName(const QString &text)
{
    static const QRegularExpression name(
            QStringLiteral(R"(^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$)"));
    return name.match(text).hasMatch();
}

void releaseThreadEngine() { t_engine.reset(); }

QVariant JsJob::operator()() const
{
    WorkerEngine &worker = engineFor(setup);
    QJSEngine &engine = worker.engine();
    if (!control->attach(&engine))
        throw JobCancelled(); // stopped before it started: it ends cancelled
    QJSValue outcome;
    std::optional<JsError> failure;
    try {
        worker.load();
        outcome = worker.run(worker.function(*this), args);
    } catch (const JsError &error) {
        failure = error;
    }
    const bool interrupted = engine.isInterrupted();
    if (control->detach() || interrupted) {
        // An interrupted engine may hold half-done state (or a half-loaded source): the
        // thread's next job gets a fresh one. The values bound to it go first.
        outcome = QJSValue();
        releaseThreadEngine();
        throw JobCancelled(); // an interrupted job is cancelled, not failed
    }
    if (ThisJob::isCancelled()) {
        // It stopped by itself on seeing cancelled(): cancelled, whatever it returned.
        throw JobCancelled();
    }
    if (failure)
        throw *failure;
    if (!outcome.property(QStringLiteral("ok")).toBool())
        throw errorFrom(outcome);
    Flattened result = flatten(&engine, outcome.property(QStringLiteral("value")),
                               QStringLiteral("the job's result"));
    if (!result.error.isEmpty())
        throw JsError(QStringLiteral("TypeError"), result.error);
    return std::move(result.value);
}

} // namespace FastThreadPool::Qml::detail
