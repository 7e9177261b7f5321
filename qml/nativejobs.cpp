#include "nativejobs.h"

#include <QtCore/qhash.h>
#include <QtCore/qreadwritelock.h>

#include <stdexcept>

namespace FastThreadPool::Qml {

namespace {

struct Registry
{
    QReadWriteLock lock;
    QHash<QString, NativeJob> jobs;
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

} // namespace

void registerNativeJob(const QString &name, NativeJob job)
{
    if (name.isEmpty())
        throw std::invalid_argument("registerNativeJob: the name is empty");
    Registry &r = registry();
    QWriteLocker lock(&r.lock);
    if (job)
        r.jobs.emplace(name, std::move(job));
    else
        r.jobs.remove(name);
}

NativeJob nativeJob(const QString &name)
{
    Registry &r = registry();
    QReadLocker lock(&r.lock);
    return r.jobs.value(name);
}

} // namespace FastThreadPool::Qml
