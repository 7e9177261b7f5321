#include "threadpool.h"

#include "flatten.h"
#include "functionsource.h"
#include "jobcontrol.h"
#include "jserror.h"
#include "jsjob.h"
#include "nativejobs.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQml/qqmlfile.h>
#include <QtQml/qqmlinfo.h>

#include <stdexcept>

namespace FastThreadPool::Qml {

namespace detail {

namespace {
const QString kOmitted = QStringLiteral("\u0001FastThreadPool.omitted");

QJSValueList given(std::initializer_list<const QJSValue *> args)
{
    QJSValueList list;
    for (const QJSValue *arg : args) {
        if (arg == &omitted() || (arg->isString() && arg->toString() == kOmitted))
            break;
        list.append(*arg);
    }
    return list;
}
} // namespace

const QJSValue &omitted()
{
    static const QJSValue value(kOmitted); // engine-free: only read, in the engine's thread
    return value;
}

} // namespace detail

namespace {

//! The QML-facing error of a failure: a JavaScript job's own fields, a C++ job's type and
//! message.
QVariantMap errorObject(const Failure &failure)
{
    if (failure.exception) {
        try {
            failure.rethrow();
        } catch (const JsError &error) {
            return error.toMap();
        } catch (...) { }
    }
    return JsError(failure.type, failure.message, failure.details).toMap();
}

} // namespace

//! What a job calls, resolved in the GUI thread: a C++ job, a JavaScript function (a JsJob
//! without arguments yet), or why it cannot run.
struct ThreadPool::Function
{
    NativeJob native;
    detail::JsJob js;
    QString error; //!< non-empty: the job fails with this TypeError
};

//! A job ready for the pool: its closure, and its control if it runs JavaScript.
struct ThreadPool::Prepared
{
    std::function<QVariant()> run;
    std::shared_ptr<detail::JobControl> control;
};

ThreadPool::ThreadPool(QObject *parent) : QObject(parent)
{
    if (auto *app = QCoreApplication::instance()) {
        connect(app, &QCoreApplication::aboutToQuit, this,
                [this] { stopRunning(QStringLiteral("the application quitting")); });
    }
}

ThreadPool::~ThreadPool()
{
    if (!m_pool)
        return;
    disconnect(m_pool.get(), nullptr, this, nullptr);
    m_pool->cancelTimers();
    m_pool->cancelAll();
    stopRunning(QStringLiteral("the ThreadPool's destruction"));
    m_pool.reset(); // waits for the workers; their engines go in the finish callback
}

void ThreadPool::componentComplete()
{
    ensurePool(nullptr); // the options are set now
}

bool ThreadPool::optionFixed(const char *name) const
{
    if (!m_pool)
        return false;
    qmlWarning(this) << "ThreadPool." << name
                     << " is read when the pool starts; this change is ignored";
    return true;
}

int ThreadPool::maxChildren() const
{
    if (m_pool)
        return m_pool->maxChildren();
    try {
        return resolveMaxChildren(m_maxChildren);
    } catch (const std::invalid_argument &) {
        return m_maxChildren;
    }
}

void ThreadPool::setMaxChildren(int value)
{
    if (value == m_maxChildren || optionFixed("maxChildren"))
        return;
    m_maxChildren = value;
    emit maxChildrenChanged();
}

void ThreadPool::setChildNamePrefix(const QString &value)
{
    if (value == m_childNamePrefix || optionFixed("childNamePrefix"))
        return;
    m_childNamePrefix = value;
    emit childNamePrefixChanged();
}

void ThreadPool::setDoneMax(int value)
{
    if (value == m_doneMax || optionFixed("doneMax"))
        return;
    m_doneMax = value;
    emit doneMaxChanged();
}

void ThreadPool::setResultId(bool value)
{
    if (value == m_resultId || optionFixed("resultId"))
        return;
    m_resultId = value;
    emit resultIdChanged();
}

void ThreadPool::setSource(const QUrl &value)
{
    if (value == m_source)
        return;
    m_source = value;
    m_setup.reset(); // read again, in this thread, before the next job is prepared
    emit sourceChanged();
}

std::shared_ptr<const detail::JsSetup> ThreadPool::setup()
{
    if (m_setup)
        return m_setup;
    auto setup = std::make_shared<detail::JsSetup>();
    if (!m_source.isEmpty()) {
        const QQmlContext *context = qmlContext(this);
        setup->url = context ? context->resolvedUrl(m_source) : m_source;
        const QString path = QQmlFile::urlToLocalFileOrQrc(setup->url);
        if (path.isEmpty()) {
            setup->readError = QStringLiteral("ThreadPool.source %1: only local files and qrc "
                                              "resources can be loaded")
                                       .arg(setup->url.toString());
        } else if (path.endsWith(QLatin1String(".mjs"))) {
            if (QFileInfo::exists(path))
                setup->modulePath = path;
            else
                setup->readError = QStringLiteral("ThreadPool.source %1: no such file")
                                           .arg(setup->url.toString());
        } else {
            QFile file(path);
            if (file.open(QIODevice::ReadOnly))
                setup->text = QString::fromUtf8(file.readAll());
            else
                setup->readError = QStringLiteral("ThreadPool.source %1: %2")
                                           .arg(setup->url.toString(), file.errorString());
        }
        if (!setup->readError.isEmpty())
            qmlWarning(this) << setup->readError;
    }
    m_setup = std::move(setup);
    return m_setup;
}

Pool *ThreadPool::ensurePool(const char *method)
{
    if (m_pool)
        return m_pool.get();
    if (m_startError.isEmpty()) {
        PoolOptions options;
        options.maxChildren = m_maxChildren;
        options.childNamePrefix = m_childNamePrefix;
        options.finishCallback = [](QThread *) { detail::releaseThreadEngine(); };
        options.resultId = true; // the ids let cancel() find a running job's engine
        options.doneMax = m_doneMax;
        try {
            m_pool = std::make_unique<Pool>(std::move(options));
        } catch (const std::exception &e) {
            m_startError = QString::fromUtf8(e.what());
            qmlWarning(this) << "ThreadPool cannot start: " << m_startError;
        }
    }
    if (!m_pool) {
        if (method)
            throwError(QStringLiteral("ThreadPool.%1: the pool could not start: %2")
                               .arg(QLatin1String(method), m_startError));
        return nullptr;
    }
    Pool *pool = m_pool.get();
    connect(pool, &Pool::resultReady, this, [this](JobId id, const QVariant &value) {
        m_jobs.remove(id);
        emit done(reportedId(id), value);
    });
    connect(pool, &Pool::jobFailed, this, [this](JobId id, const Failure &failure) {
        m_jobs.remove(id);
        emit failed(reportedId(id), errorObject(failure));
    });
    connect(pool, &Pool::jobCancelled, this, [this](JobId id) {
        m_jobs.remove(id);
        emit jobCancelled(double(id));
    });
    connect(pool, &Pool::jobProgress, this,
            [this](JobId id, int value, int maximum, const QString &text) {
                emit progress(double(id), value, maximum, text);
            });
    connect(pool, &Pool::suspendedChanged, this, &ThreadPool::suspendedChanged);
    connect(pool, &Pool::idle, this, [this] {
        prune();
        emit idle();
    });
    connect(pool, &Pool::aliveChanged, this, [this](int value) { m_alive = value; });
    connect(pool, &Pool::busyChanged, this, [this](int value) { m_busy = value; });
    connect(pool, &Pool::pendingChanged, this,
            [this](qint64 value) { m_pending = int(qMin<qint64>(value, INT_MAX)); });
    connect(pool, &Pool::childCountChanged, this, [this](int value) { m_childCount = value; });
    connect(pool, &Pool::submittedChanged, this,
            [this](quint64 value) { m_submitted = double(value); });
    connect(pool, &Pool::completedChanged, this,
            [this](quint64 value) { m_completed = double(value); });
    connect(pool, &Pool::cancelledChanged, this,
            [this](quint64 value) { m_cancelled = double(value); });
    return pool;
}

Pool &ThreadPool::pool()
{
    if (!ensurePool(nullptr))
        throw std::invalid_argument(m_startError.toStdString());
    return *m_pool;
}

void ThreadPool::throwError(const QString &message, bool rangeError) const
{
    if (QJSEngine *engine = qjsEngine(this))
        engine->throwError(rangeError ? QJSValue::RangeError : QJSValue::GenericError, message);
    else
        qWarning("%s", qPrintable(message));
}

ThreadPool::Function ThreadPool::resolve(const char *method, const QJSValue &fn, int fnArgument)
{
    Function function;
    if (fn.isString()) {
        const QString text = fn.toString();
        function.native = nativeJob(text);
        if (function.native)
            return function;
        function.js.function = text;
        function.js.byName = detail::isFunctionName(text);
        function.js.fileName = QStringLiteral("ThreadPool job");
    } else if (fn.isCallable()) {
        detail::FunctionText found
                = detail::functionSource(qjsEngine(this), fn, method, fnArgument);
        if (!found.error.isEmpty()) {
            function.error = std::move(found.error);
            return function;
        }
        function.js.function = std::move(found.text);
        function.js.fileName = std::move(found.fileName);
        function.js.lineNumber = found.lineNumber;
    } else {
        function.error = QStringLiteral("the job must be a function or a function's name, not %1")
                                 .arg(fn.toString());
        return function;
    }
    function.js.setup = setup();
    return function;
}

ThreadPool::Prepared ThreadPool::prepare(const Function &function, const QJSValueList &args)
{
    QJSEngine *engine = qjsEngine(this);
    QVariantList flat;
    flat.reserve(args.size());
    for (qsizetype i = 0; i < args.size(); ++i) {
        static const QString names[] = {QStringLiteral("argument 1"), QStringLiteral("argument 2"),
                                        QStringLiteral("argument 3"), QStringLiteral("argument 4"),
                                        QStringLiteral("argument 5"), QStringLiteral("argument 6"),
                                        QStringLiteral("argument 7"), QStringLiteral("argument 8")};
        detail::Flattened arg = detail::flatten(
                engine, args.at(i), i < 8 ? names[i] : QStringLiteral("argument %1").arg(i + 1));
        if (!arg.error.isEmpty()) {
            Function refused;
            refused.error = std::move(arg.error);
            return prepare(refused, QVariantList());
        }
        flat.append(std::move(arg.value));
    }
    return prepare(function, std::move(flat));
}

ThreadPool::Prepared ThreadPool::prepare(const Function &function, QVariantList &&args)
{
    Prepared prepared;
    if (!function.error.isEmpty()) {
        // Reported like any failure, through failed(id, ...) with an id of its own.
        prepared.run = [message = function.error]() -> QVariant {
            throw JsError(QStringLiteral("TypeError"), message);
        };
    } else if (function.native) {
        prepared.run = [native = function.native, args = std::move(args)] { return native(args); };
    } else {
        detail::JsJob job = function.js;
        job.control = std::make_shared<detail::JobControl>();
        job.args = std::move(args);
        prepared.control = job.control;
        prepared.run = std::move(job);
    }
    return prepared;
}

double ThreadPool::start(Kind kind, const char *method, const QJSValue &fn,
                         const QJSValueList &args, std::chrono::milliseconds delay,
                         const QDateTime &at)
{
    if (!ensurePool(method))
        return 0;
    const int fnArgument = kind == Kind::At                   ? 2
            : (kind == Kind::Later || kind == Kind::Schedule) ? 1
                                                              : 0;
    return enqueue(kind, method, prepare(resolve(method, fn, fnArgument), args), delay, at);
}

double ThreadPool::enqueue(Kind kind, const char *method, Prepared &&job,
                           std::chrono::milliseconds delay, const QDateTime &at)
{
    Pool *pool = m_pool.get();
    try {
        switch (kind) {
        case Kind::Job:
        case Kind::First: {
            const JobId id = kind == Kind::Job ? pool->submit(std::move(job.run))
                                               : pool->submitFirst(std::move(job.run));
            if (job.control)
                m_jobs.emplace(id, std::move(job.control));
            if (m_jobs.size() >= m_pruneAt)
                prune();
            return double(id);
        }
        case Kind::Later:
        case Kind::At:
        case Kind::Schedule: {
            const TimerId timer = kind == Kind::Later ? pool->submitLater(delay, std::move(job.run))
                    : kind == Kind::At ? pool->submitAt(at, delay, std::move(job.run))
                                       : pool->schedule(delay, std::move(job.run));
            if (job.control)
                m_timers.emplace(timer.value, std::move(job.control));
            return double(timer.value);
        }
        }
    } catch (const PoolStopped &) {
        throwError(
                QStringLiteral("ThreadPool.%1: the pool is shut down").arg(QLatin1String(method)));
    } catch (const std::invalid_argument &e) {
        throwError(QString::fromUtf8(e.what()), true);
    }
    return 0;
}

double ThreadPool::submit(const QJSValue &fn, const QJSValue &a1, const QJSValue &a2,
                          const QJSValue &a3, const QJSValue &a4, const QJSValue &a5,
                          const QJSValue &a6, const QJSValue &a7, const QJSValue &a8)
{
    return start(Kind::Job, "submit", fn, detail::given({&a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}));
}

double ThreadPool::submitFirst(const QJSValue &fn, const QJSValue &a1, const QJSValue &a2,
                               const QJSValue &a3, const QJSValue &a4, const QJSValue &a5,
                               const QJSValue &a6, const QJSValue &a7, const QJSValue &a8)
{
    return start(Kind::First, "submitFirst", fn,
                 detail::given({&a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}));
}

namespace {
std::chrono::milliseconds millis(double ms)
{
    // NaN and negative values stay negative, so that the pool refuses them.
    return std::chrono::milliseconds(ms >= 0 ? qint64(ms) : -1);
}
} // namespace

double ThreadPool::submitLater(double ms, const QJSValue &fn, const QJSValue &a1,
                               const QJSValue &a2, const QJSValue &a3, const QJSValue &a4,
                               const QJSValue &a5, const QJSValue &a6, const QJSValue &a7,
                               const QJSValue &a8)
{
    return start(Kind::Later, "submitLater", fn,
                 detail::given({&a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}), millis(ms));
}

double ThreadPool::submitAt(const QJSValue &date, double intervalMs, const QJSValue &fn,
                            const QJSValue &a1, const QJSValue &a2, const QJSValue &a3,
                            const QJSValue &a4, const QJSValue &a5, const QJSValue &a6,
                            const QJSValue &a7, const QJSValue &a8)
{
    QDateTime at;
    if (date.isDate())
        at = date.toDateTime();
    else if (date.isNumber())
        at = QDateTime::fromMSecsSinceEpoch(qint64(date.toNumber()));
    if (!at.isValid()) {
        throwError(QStringLiteral("ThreadPool.submitAt: the time must be a Date or a number of "
                                  "milliseconds since the epoch"),
                   true);
        return 0;
    }
    return start(Kind::At, "submitAt", fn, detail::given({&a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}),
                 millis(intervalMs), at);
}

double ThreadPool::schedule(double ms, const QJSValue &fn, const QJSValue &a1, const QJSValue &a2,
                            const QJSValue &a3, const QJSValue &a4, const QJSValue &a5,
                            const QJSValue &a6, const QJSValue &a7, const QJSValue &a8)
{
    return start(Kind::Schedule, "schedule", fn,
                 detail::given({&a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8}), millis(ms));
}

namespace {
QJSValue toScript(const ThreadPool *pool, const QVariantList &list)
{
    QJSEngine *engine = qjsEngine(pool);
    return engine ? engine->toScriptValue(list) : QJSValue();
}
} // namespace

QJSValue ThreadPool::waiting() const
{
    QVariantList ids;
    if (m_pool) {
        const QList<JobId> jobs = m_pool->jobs();
        ids.reserve(jobs.size());
        for (JobId id : jobs)
            ids.append(double(id));
    }
    return toScript(this, ids);
}

QJSValue ThreadPool::map(const QJSValue &fn, const QJSValue &items)
{
    QVariantList ids;
    if (!items.isArray()) {
        throwError(QStringLiteral("ThreadPool.map: the items must be an array"));
        return toScript(this, ids);
    }
    if (!ensurePool("map"))
        return toScript(this, ids);
    const Function function = resolve("map", fn, 0); // once for all the items
    const quint32 length = items.property(QStringLiteral("length")).toUInt();
    ids.reserve(length);
    for (quint32 i = 0; i < length; ++i) {
        const double id
                = enqueue(Kind::Job, "map", prepare(function, QJSValueList{items.property(i)}));
        if (id == 0)
            break; // the pool refused: the error is thrown already
        ids.append(id);
    }
    return toScript(this, ids);
}

bool ThreadPool::cancel(double id)
{
    if (!m_pool || !(id > 0))
        return false;
    const JobId job = JobId(id);
    if (m_pool->cancel(job)) {
        m_jobs.remove(job);
        return true;
    }
    const auto it = m_jobs.constFind(job);
    return it != m_jobs.cend() && (*it)->stop(QStringLiteral("ThreadPool.cancel()"));
}

bool ThreadPool::cancelTimer(double handle)
{
    if (!m_pool || !(handle > 0))
        return false;
    const quint64 timer = quint64(handle);
    const bool live = m_pool->cancel(TimerId{timer});
    if (const auto control = m_timers.take(timer))
        control->stop(QStringLiteral("ThreadPool.cancelTimer()"));
    return live;
}

void ThreadPool::cancelAll()
{
    if (!m_pool)
        return;
    m_pool->cancelAll(CancelRunning::Yes);
    stopRunning(QStringLiteral("ThreadPool.cancelAll()"));
}

bool ThreadPool::suspend() { return ensurePool("suspend") && m_pool->suspend(); }

bool ThreadPool::resume() { return m_pool && m_pool->resume(); }

bool ThreadPool::shutdown(int timeoutMs, bool soon)
{
    if (!ensurePool("shutdown"))
        return false;
    m_pool->cancelTimers();
    if (soon) {
        m_pool->cancelAll();
        stopRunning(QStringLiteral("ThreadPool.shutdown()"));
        for (const auto &control : std::as_const(m_timers))
            control->stop(QStringLiteral("ThreadPool.shutdown()"));
    }
    const QDeadlineTimer deadline
            = timeoutMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(timeoutMs);
    return m_pool->shutdown(deadline, soon);
}

JobId ThreadPool::submitCall(const QString &function, const QVariantList &args)
{
    Pool &p = pool();
    Prepared job = prepare(resolve("submitCall", QJSValue(function), 0), QVariantList(args));
    const JobId id = p.submit(std::move(job.run));
    if (job.control)
        m_jobs.emplace(id, std::move(job.control));
    if (m_jobs.size() >= m_pruneAt)
        prune();
    return id;
}

void ThreadPool::stopRunning(const QString &reason)
{
    for (const auto &control : std::as_const(m_jobs))
        control->stop(reason);
    m_jobs.clear(); // stopped: nothing is left to look up
}

void ThreadPool::prune()
{
    // use_count() == 1: the pool destroyed the job (cancelled, or shut down) and no
    // outcome will come for it.
    m_jobs.removeIf([](const auto &entry) { return entry.value().use_count() == 1; });
    m_timers.removeIf([](const auto &entry) { return entry.value().use_count() == 1; });
    m_pruneAt = qMax<qsizetype>(1024, m_jobs.size() * 2);
}

} // namespace FastThreadPool::Qml
