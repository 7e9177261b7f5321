// A module as ThreadPool.source: its exports are submitted by name.
export function triple(x) {
    return 3 * x;
}
