#include "core/demangle.h"

#include <fastthreadpool/detail/jobcontext.h>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace FastThreadPool::detail {

QString demangled(const char *name)
{
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> readable(
            abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free);
    return QString::fromUtf8(status == 0 && readable ? readable.get() : name);
}

QString demangledTypeName(const std::type_info &type) { return demangled(type.name()); }

} // namespace FastThreadPool::detail
