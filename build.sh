#!/usr/bin/env bash
# FastThreadPool's one entry point for building, testing and showing.
#
#   ./build.sh showcase     install what is missing (apt), build, run the console showcase
#   ./build.sh test         build (Release, warnings are errors) and run every test
#   ./build.sh sanitizers   ThreadSanitizer and AddressSanitizer+UBSan builds of the tests
#   ./build.sh fuzz         libFuzzer targets (clang): API sequences and Semaphore, each for
#                           FUZZ_SECONDS (default 60), from the seed corpus in tests/fuzz/corpus
#   ./build.sh lint         clang-format (the repository's .clang-format) and clang-tidy (.clang-tidy)
#                           over src/ and qml/; any finding fails
#   ./build.sh soak         the stress test for FASTTHREADPOOL_STRESS_SECONDS (default 1800)
#   ./build.sh benchmark    build and run the side-by-side benchmarks (pass --quick, --json F)
#   ./build.sh deps         only install the Debian packages the project needs
set -euo pipefail
cd "$(dirname "$0")"
jobs=${JOBS:-2}

packages=(
    cmake g++ make pkg-config
    qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools
    qml6-module-qttest qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtqml
    qml6-module-qtqml-models qml6-module-qtqml-workerscript qml6-module-qtquick-controls
    qml6-module-qtquick-layouts
    qml6-module-qtquick-templates
    libtbb-dev libboost-dev libbenchmark-dev
    libgl-dev xvfb valgrind
    clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
)

deps() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# build DIR [cmake options...]: configure once, build incrementally.
build() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DFASTTHREADPOOL_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
}

export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

case "${1:-}" in
deps)
    deps
    ;;
showcase)
    deps
    build build
    ./build/examples/console/showcase
    ;;
test)
    deps
    build build
    ctest --test-dir build --output-on-failure --timeout 900
    ;;
sanitizers)
    deps
    # Qt itself is not instrumented: tests synchronise through the project's own Semaphore
    # or the standard library, which the sanitizers see.
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp"
    export ASAN_OPTIONS="detect_leaks=1 halt_on_error=1"
    export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1"
    common=(-DFASTTHREADPOOL_BUILD_EXAMPLES=OFF -DFASTTHREADPOOL_BUILD_BENCHMARKS=OFF
            -DFASTTHREADPOOL_STRESS_JOBS=500000)
    build build-tsan -DFASTTHREADPOOL_SANITIZE=thread -DFASTTHREADPOOL_BUILD_QML=OFF "${common[@]}"
    # The 'qt' and 'qml' tests hand objects between threads through Qt's event queue,
    # QFuture and moveToThread, whose locking TSan cannot see (Qt is not instrumented):
    # it reports every such handoff. They run under ASan+UBSan below; what crosses threads
    # through this project's own code is exercised by the labels TSan runs.
    ctest --test-dir build-tsan --output-on-failure --timeout 900 -L 'core|delivery|pool|scheduler|stress'
    build build-asan -DFASTTHREADPOOL_SANITIZE=address "${common[@]}"
    ctest --test-dir build-asan --output-on-failure --timeout 900 -LE install
    ;;
fuzz)
    deps
    seconds=${FUZZ_SECONDS:-60}
    export ASAN_OPTIONS="detect_leaks=1 halt_on_error=1"
    export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"
    export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1"
    cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
        -DFASTTHREADPOOL_SANITIZE=fuzzer -DFASTTHREADPOOL_WERROR=ON \
        -DFASTTHREADPOOL_BUILD_TESTS=OFF -DFASTTHREADPOOL_BUILD_EXAMPLES=OFF \
        -DFASTTHREADPOOL_BUILD_BENCHMARKS=OFF -DFASTTHREADPOOL_BUILD_QML=OFF >/dev/null
    cmake --build build-fuzz -j "$jobs"
    for target in pool semaphore; do
        # A scratch copy of the seeds: what the run finds stays out of the tree.
        corpus=$(mktemp -d)
        cp tests/fuzz/corpus/$target/* "$corpus"/
        echo "fuzz_$target: ${seconds} s"
        ./build-fuzz/tests/fuzz/fuzz_$target -max_total_time="$seconds" -timeout=60 \
            -rss_limit_mb=6144 -print_final_stats=1 -artifact_prefix=build-fuzz/ "$corpus"
        rm -rf "$corpus"
    done
    ;;
lint)
    deps
    git ls-files '*.h' '*.cpp' | xargs clang-format-14 --dry-run -Werror
    build build # compile_commands.json and the generated headers
    run-clang-tidy-14 -p build -j "$jobs" -quiet "$PWD/(src|qml)/.*\\.cpp\$"
    ;;
soak)
    deps
    build build
    FASTTHREADPOOL_STRESS_SECONDS=${FASTTHREADPOOL_STRESS_SECONDS:-1800} \
        ./build/tests/stress/tst_stress
    ;;
benchmark)
    deps
    shift
    build build
    ./build/tests/benchmarks/fastthreadpool_benchmarks "$@"
    ./build/tests/benchmarks/fastthreadpool_delivery "$@"
    ./build/tests/benchmarks/fastthreadpool_qmljobs "$@"
    ;;
*)
    sed -n '2,9p' "$0"
    exit 2
    ;;
esac
