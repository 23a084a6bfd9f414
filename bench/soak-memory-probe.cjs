// Preloaded (`node -r`) into the serve process by the soak: once a second it writes the main process's memory to
// stderr as one line, `soak-memory {"rss":…,"heapUsed":…,…}` (bytes; rss includes the worker threads). No source change
// to the app is needed to watch it, and the timer is unref'd so it never keeps the process alive.
const timer = setInterval(() => process.stderr.write(`soak-memory ${JSON.stringify(process.memoryUsage())}\n`), 1000);
timer.unref();
