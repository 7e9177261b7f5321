// The work of the example, loaded into every worker's JavaScript engine (ThreadPool.source).
// Plain CPU-bound JavaScript: no QML objects, no shared state.

// How many primes lie in [from, to), by trial division.
function countPrimes(from, to) {
    let count = 0;
    for (let n = Math.max(from, 2); n < to; ++n) {
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
