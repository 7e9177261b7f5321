// Public: FastThreadPool::JobId, the id of a submitted job.
#pragma once

#include <QtCore/qglobal.h>

namespace FastThreadPool {

//! Identifies a submitted job: unique within its pool, non-zero, increasing.
using JobId = quint64;

} // namespace FastThreadPool
