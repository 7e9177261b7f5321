# Warnings for every target of this project, errors in CI; sanitizer flags for CI builds.
add_library(fastthreadpool_warnings INTERFACE)
target_compile_options(fastthreadpool_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual
    $<$<BOOL:${FASTTHREADPOOL_WERROR}>:-Werror>)

if(FASTTHREADPOOL_SANITIZE STREQUAL "thread")
    add_compile_options(-fsanitize=thread -g -O1)
    add_link_options(-fsanitize=thread)
elseif(FASTTHREADPOOL_SANITIZE STREQUAL "address")
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                        -fno-omit-frame-pointer -g -O1)
    add_link_options(-fsanitize=address,undefined)
elseif(FASTTHREADPOOL_SANITIZE STREQUAL "fuzzer")
    # libFuzzer (clang): coverage for everything; the fuzz targets link the fuzzer's main.
    # Without UBSan's "function" check: clang 14 cannot emit it together with coverage for
    # a coroutine ("Cannot represent a difference across sections"), and Generator is one.
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                        -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
    add_link_options(-fsanitize=address,undefined)
elseif(NOT FASTTHREADPOOL_SANITIZE STREQUAL "")
    message(FATAL_ERROR "FASTTHREADPOOL_SANITIZE must be thread, address, fuzzer or empty")
endif()
