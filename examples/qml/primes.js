// The work of the example, loaded into every worker's JavaScript engine (ThreadPool.source).
// Plain CPU-bound JavaScript: no QML objects, no shared state.

// How many primes lie in [from, to), by trial division. Reports its progress as it goes
// (progress() is the pool's: the item emits it at most every 16 ms, so calling it often is
// cheap) and stops early when cancelled() says the range is no longer wanted.
function countPrimes(from, to) {
    let count = 0;
    const every = Math.max(1, Math.floor((to - from) / 50));
    for (let n = Math.max(from, 2); n < to; ++n) {
        if ((n - from) % every === 0) {
            if (cancelled())
                return count; // ends cancelled: the pool drops this value
            progress(n - from, to - from);
        }
        if (isPrime(n))
            ++count;
    }
    return count;
}

function isPrime(n) {
    if (n < 4)
        return n > 1;
    if (n % 2 === 0)
        return false;
    for (let d = 3; d * d <= n; d += 2) {
        if (n % d === 0)
            return false;
    }
    return true;
}
