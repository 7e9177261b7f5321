// Functions every worker engine of the tests' ThreadPools loads (ThreadPool.source).
function identity(x) {
    return x;
}

function add(a, b) {
    return a + b;
}

function typeOf(x) {
    if (x === null)
        return "null";
    if (x instanceof Date)
        return "date";
    if (x instanceof ArrayBuffer)
        return "arraybuffer";
    if (Array.isArray(x))
        return "array";
    return typeof x;
}

function fails(message) {
    throw new TypeError(message); // line 23: tst_threadpool.qml checks it
}

function spin(ms) {
    const end = Date.now() + ms;
    let n = 0;
    while (Date.now() < end)
        ++n;
    return n;
}

function forever() {
    for (;;) {
    }
}

function returnsFunction() {
    return function () {};
}

var lib = {
    twice: function (x) { return 2 * x; }
};
