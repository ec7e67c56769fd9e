package live

// What the external tests (package live_test, which share fixtures with
// other packages through internal/simtest) need to see of the internals.
const LinBuckets = linBuckets
