// Private: readable C++ names for messages (failures, excArgs).
#pragma once

#include <QtCore/qstring.h>

namespace FastThreadPool::detail {

//! `name` demangled ("St13runtime_error" -> "std::runtime_error"); as it is if it is not a
//! mangled name.
QString demangled(const char *name);

} // namespace FastThreadPool::detail
