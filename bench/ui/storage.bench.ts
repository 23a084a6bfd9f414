/**
 * The storage path of the UI, measured in Chromium through serve mode (method and figures: docs/performance-ui.md).
 *
 * (a) End to end: launch 10,000 runs × 1,000 steps of w² + 10b² from the form; time from the Launch click to every run
 *     stored in IndexedDB and listed in the table, and, for comparison, to the main process's last progress event (all
 *     computed); the IndexedDB size; the longest main-thread task in between (PerformanceObserver 'longtask'); the CPU
 *     time every process spent in between (./process-cpu.ts). Playwright's own DevTools connection is part of that: it
 *     has the window report each WebSocket frame to the test, which ./bare-sweep.ts, the same sweep without
 *     Playwright, does not.
 * (b) With those 10,000 runs stored: open the runs view (a reload; from navigation to the count reading 10,000 runs, as
 *     noted in the page) and sort it by final loss; time; then the longest task while scrolling the table from top to
 *     bottom.
 * (c) At scale: one sweep computed, then copied in IndexedDB to 100,000 runs (BENCH_UI_SCALES); open and sort at each
 *     size, and the renderer's heap per run held (the difference between the largest and the smallest size).
 *
 * Each is repeated (BENCH_UI_REPEATS, 3 by default) and the medians are printed and written to bench/ui/results/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from '../../e2e/sign-in';
import { countText, runsCount } from '../../e2e/flows';
import { median } from '../measure';
import { BENCH_UI_PORT } from './playwright.config';
import { cpuSince, whenQuiet } from './process-cpu';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 10_000);
const STEPS = 1000;
const REPEATS = Number(process.env.BENCH_UI_REPEATS ?? 3);
const LONG_TASK_MS = 50;

interface EndToEnd {
  launchToListedMs: number;
  launchToComputedMs: number;
  longestTaskMs: number;
  longTasksOver50: number;
  indexedDbBytes: number;
  storedRuns: number;
  storedTraces: number;
  float64ColumnShare: number;
  /** CPU time of every process of the bench (serve mode, Chromium's, the test's own) from Launch to listed, in ms. */
  cpuTotalMs: number;
}

interface OpenAndSort {
  openMs: number;
  sortMs: number;
  openAndSortedMs: number;
  longestScrollTaskMs: number;
  /** Baselines from the same page: the page's own start (DOMContentLoaded), and a bare IndexedDB read of every run. */
  domContentLoadedMs: number;
  rawReadAllRunsMs: number;
}

/** Reads every page of runs with IndexedDB alone (no Dexie, no app): what any way of listing them all costs at least. */
const rawReadAllRuns = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('adagrad-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const at = performance.now();
          const read = open.result.transaction('runPages').objectStore('runPages').getAll();
          read.onsuccess = () => {
            // Deserialised on first access; a page's runs are columns (src-renderer/lib/storage/page-codec.ts).
            const runs = (read.result as { indexes: Int32Array }[]).reduce((sum, p) => sum + p.indexes.length, 0);
            open.result.close();
            resolve(runs > 0 ? performance.now() - at : NaN);
          };
        };
      }),
  );

declare global {
  interface Window {
    benchLongTasks: { start: number; duration: number }[];
    /** Each text the runs count has shown since navigation, with when it first showed it (performance.now()). */
    benchRunsCount: Record<string, number>;
  }
}

const medians = <T extends object>(samples: T[]): T =>
  Object.fromEntries(
    Object.keys(samples[0]).map((key) => [key, median(samples.map((s) => (s as Record<string, number>)[key]))]),
  ) as T;

/** Every long task from navigation on, kept in the page. */
async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.benchLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        window.benchLongTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/**
 * When the runs count first reads each text, noted in the page from navigation on: a reload's "open" is then the page's
 * own time, not also the test's round trip after `reload()` returns (which waits for the load event, and with it for
 * every chunk the page has asked for by then).
 */
async function observeRunsCount(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.benchRunsCount = {};
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="runs-count"]')?.textContent?.trim();
      if (text && !(text in window.benchRunsCount)) window.benchRunsCount[text] = performance.now();
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

/** When (performance.now() in the page) the runs count first read `text` since the last navigation. */
const runsCountSeen = async (page: Page, text: string): Promise<number> =>
  (await page.waitForFunction((wanted) => window.benchRunsCount[wanted], text, { timeout: 120_000 })).jsonValue();

const longTasksBetween = (page: Page, from: number, to: number) =>
  page.evaluate(
    ([a, b]) => window.benchLongTasks.filter((t) => t.start + t.duration >= a && t.start <= b).map((t) => t.duration),
    [from, to],
  );

/** Counts the stored runs and traces straight from IndexedDB (in their pages), and the share of trace columns that had to stay float64. */
const storedCounts = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ runs: number; traces: number; float64Share: number }>((resolve, reject) => {
        const open = indexedDB.open('adagrad-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['runPages', 'tracePages']);
          const runPages = tx.objectStore('runPages').getAll();
          const tracePages = tx.objectStore('tracePages').getAll();
          tx.oncomplete = () => {
            // A run page holds its runs' indexes as a column (src-renderer/lib/storage/page-codec.ts); a packed trace
            // lists where its columns are, steps first (src-renderer/lib/storage/trace-storage.ts).
            const runs = (runPages.result as { indexes: Int32Array }[]).reduce((sum, p) => sum + p.indexes.length, 0);
            const traces = (tracePages.result as { entries: { columns: [string, number, number][] }[] }[]).flatMap(
              (p) => p.entries,
            );
            const columns = traces.flatMap((t) => t.columns.slice(1));
            const float64 = columns.filter(([kind]) => kind === 'f64').length;
            open.result.close();
            resolve({
              runs,
              traces: traces.length,
              float64Share: columns.length ? float64 / columns.length : 0,
            });
          };
        };
      }),
  );

/** Resolves in the page with performance.now() at the first moment `testid`'s text starts with `text`. */
const whenText = (page: Page, testid: string, text: string) =>
  page.evaluate(
    ([id, wanted]) =>
      new Promise<number>((resolve) => {
        const check = (): boolean =>
          document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim().startsWith(wanted) ?? false;
        if (check()) return resolve(performance.now());
        const observer = new MutationObserver(() => {
          if (!check()) return;
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }),
    [testid, text],
  );

async function endToEnd(page: Page): Promise<EndToEnd> {
  await observeLongTasks(page);
  await observeRunsCount(page);
  // Each link works once: every repeat signs in with a fresh one from the server's local socket.
  await signIn(page, BENCH_UI_PORT);
  const form = page.getByTestId('sweep-form');
  // The form refuses more runs than its maximum (10,000 unless raised): BENCH_UI_RUNS=100000 raises it.
  if (RUNS > 10_000) await form.getByTestId('field-maxRuns').fill(String(RUNS));
  await form.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await form.getByTestId('field-optimizers-0-lr').fill(`log(1e-3, 1, ${RUNS})`);
  await form.getByTestId('field-steps').fill(String(STEPS));
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(RUNS));
  // As bare-sweep.ts: launched once the browser has finished starting, as a person launches.
  await whenQuiet(process.ppid);

  const launched = await page.getByTestId('launch').evaluate((button: HTMLButtonElement) => {
    // The marks delimit the sweep in a trace (BENCH_UI_PROFILE=trace).
    const at = performance.mark('bench:launched').startTime;
    button.click();
    return at;
  });
  const cpu = cpuSince();
  const [computed, listed] = await Promise.all([
    whenText(page, 'progress-count', `${countText(RUNS)} / ${countText(RUNS)}`),
    whenText(page, 'runs-count', runsCount(RUNS)),
  ]);
  const cpuMs = cpu();
  console.log('CPU ms from Launch to listed, by process:', JSON.stringify(cpuMs));
  await page.evaluate(() => performance.mark('bench:listed'));
  const tasks = await longTasksBetween(page, launched, listed);
  const counts = await storedCounts(page);
  const estimate = await page.evaluate(() => navigator.storage.estimate());
  expect(counts.runs).toBe(RUNS);
  return {
    launchToListedMs: listed - launched,
    launchToComputedMs: computed - launched,
    longestTaskMs: Math.max(0, ...tasks),
    longTasksOver50: tasks.filter((d) => d > LONG_TASK_MS).length,
    indexedDbBytes: estimate.usage ?? NaN,
    storedRuns: counts.runs,
    storedTraces: counts.traces,
    float64ColumnShare: counts.float64Share,
    cpuTotalMs: cpuMs.total,
  };
}

/** `scroll`: also scroll the table from top to bottom (a frame per viewport: minutes at 100,000 runs). */
async function openAndSort(page: Page, runs = RUNS, scroll = true): Promise<OpenAndSort> {
  await page.reload();
  const opened = await runsCountSeen(page, runsCount(runs));
  const sortMs = await page.getByTestId('sort-finalLoss').evaluate(
    (button: HTMLButtonElement) =>
      new Promise<number>((resolve) => {
        const at = performance.now();
        button.click();
        // Sorted and painted: the frame after the click's update.
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - at)));
      }),
  );
  const first = await page.getByTestId('final-loss').first().innerText();
  expect(Number(first)).toBeLessThanOrEqual(Number(await page.getByTestId('final-loss').nth(1).innerText()));
  const scrolled = scroll
    ? await page.getByTestId('runs-scroller').evaluate(
        (box: HTMLElement) =>
          new Promise<{ from: number; to: number }>((resolve) => {
            const from = performance.now();
            const step = () => {
              box.scrollTop += box.clientHeight;
              if (box.scrollTop + box.clientHeight < box.scrollHeight) requestAnimationFrame(step);
              else requestAnimationFrame(() => resolve({ from, to: performance.now() }));
            };
            requestAnimationFrame(step);
          }),
      )
    : null;
  if (scrolled)
    expect(Number(first)).toBeLessThanOrEqual(Number(await page.getByTestId('final-loss').last().innerText()));
  const tasks = scrolled ? await longTasksBetween(page, scrolled.from, scrolled.to) : [NaN];
  const domContentLoadedMs = await page.evaluate(
    () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
  );
  return {
    openMs: opened,
    sortMs,
    openAndSortedMs: opened + sortMs,
    longestScrollTaskMs: Math.max(0, ...tasks),
    domContentLoadedMs,
    rawReadAllRunsMs: await rawReadAllRuns(page),
  };
}

/**
 * Copies the one stored sweep and its run pages `copies` times straight into IndexedDB (new sweep ids; each copy a
 * moment older; a run page holds no ids or configs, src-renderer/lib/storage/page-codec.ts, so the runs are the new
 * sweep's): a database of (copies + 1) × the sweep's runs in a second, where computing them would take minutes. Their
 * traces are not copied: the runs view never reads a trace.
 */
const copyStoredSweep = (page: Page, copies: number) =>
  page.evaluate(
    (copies) =>
      new Promise<void>((resolve, reject) => {
        type Sweep = { id: string; name: string; createdAt: number };
        type RunPage = { sweepId: string; createdAt: Float64Array; configs: unknown[]; ids: unknown[] };
        const open = indexedDB.open('adagrad-lab');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction(['sweeps', 'runPages']);
          const sweeps = read.objectStore('sweeps').getAll();
          const pages = read.objectStore('runPages').getAll();
          read.oncomplete = () => {
            const [sweep] = sweeps.result as Sweep[];
            const own = (pages.result as RunPage[]).filter((p) => p.sweepId === sweep.id);
            const write = db.transaction(['sweeps', 'runPages'], 'readwrite');
            for (let k = 1; k <= copies; k++) {
              const id = crypto.randomUUID();
              write
                .objectStore('sweeps')
                .put({ ...sweep, id, name: `${sweep.name} ${k}`, createdAt: sweep.createdAt - k });
              for (const p of own) {
                // The app's own runs keep no config or id on their page: a page that did would be copied wrongly.
                if (p.configs.length + p.ids.length > 0) throw new Error('A run page keeps configs: not copied');
                const createdAt = new Float64Array(p.createdAt.length).fill(sweep.createdAt - k);
                write.objectStore('runPages').put({ ...p, sweepId: id, createdAt });
              }
            }
            write.oncomplete = () => (db.close(), resolve());
            write.onerror = () => reject(write.error);
          };
        };
      }),
    copies,
  );

/** The page's JavaScript heap after a full garbage collection (CDP), in bytes. */
async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

/**
 * BENCH_UI_PROFILE=1: also write CPU profiles to test-results/bench-ui/: of one more open and sort at each size, and of
 * the first end-to-end sweep (end-to-end.cpuprofile). BENCH_UI_PROFILE=trace writes a Chromium trace instead
 * (<name>.trace.json, for DevTools' Performance panel or Perfetto): its tasks, with what ran in each, are what a long
 * task is made of, where a CPU profile shows JavaScript only and not where one task ends.
 */
const PROFILE = process.env.BENCH_UI_PROFILE;
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'disabled-by-default-v8.cpu_profiler',
];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args: { name?: string };
}

/**
 * The window's tasks over LONG_TASK_MS between the bench's marks, each as [wall ms, CPU ms]: on a shared machine a
 * task can be long because the thread waited for a core (its CPU time small), which 'longtask' entries cannot tell.
 */
function longTasksInTrace(path: string): [wall: number, cpu: number][] {
  const { traceEvents } = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] };
  const mark = (name: string) => traceEvents.find((e) => e.name === name)!;
  const [from, to] = [mark('bench:launched'), mark('bench:listed')];
  const thread = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  return traceEvents
    .filter((e) => e.name === 'RunTask' && thread(e) === thread(from) && e.ts >= from.ts && e.ts <= to.ts)
    .filter((e) => e.dur! / 1000 > LONG_TASK_MS)
    .map((e) => [e.dur! / 1000, e.tdur! / 1000]);
}

async function profiled<T>(page: Page, name: string, work: () => Promise<T>): Promise<T> {
  const dir = join(import.meta.dirname, '../../test-results/bench-ui');
  mkdirSync(dir, { recursive: true });
  if (PROFILE === 'trace') {
    const browser = page.context().browser()!;
    const path = join(dir, `${name}.trace.json`);
    await browser.startTracing(page, { path, categories: TRACE_CATEGORIES });
    const result = await work();
    await browser.stopTracing();
    if (name === 'end-to-end')
      console.log('tasks over 50 ms during the sweep, [wall, CPU] ms:', longTasksInTrace(path));
    return result;
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  return result;
}

/** The sizes the runs view is opened and sorted at (BENCH_UI_SCALES, comma-separated). */
const SCALES = (process.env.BENCH_UI_SCALES ?? '10000,100000').split(',').map(Number);
/** The sweep the larger databases are copied from: the runs of (a), with the fewest steps that the form allows to differ. */
const SEED_STEPS = 100;

test(`runs view at scale: open and sort at ${SCALES.join(', ')} runs; the renderer's bytes per run`, async ({
  browser,
}) => {
  const loadBefore = loadavg()[0];
  const context = await browser.newContext();
  const page = await context.newPage();
  await observeLongTasks(page);
  await observeRunsCount(page);
  await signIn(page, BENCH_UI_PORT);
  const form = page.getByTestId('sweep-form');
  await form.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await form.getByTestId('field-optimizers-0-lr').fill(`log(1e-3, 1, ${RUNS})`);
  await form.getByTestId('field-steps').fill(String(SEED_STEPS));
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(RUNS));
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(RUNS), { timeout: 120_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  const scales: { runs: number; heapBytes: number; median: OpenAndSort; samples: OpenAndSort[] }[] = [];
  for (const runs of SCALES) {
    const stored = scales.at(-1)?.runs ?? RUNS;
    await copyStoredSweep(page, (runs - stored) / RUNS);
    const samples: OpenAndSort[] = [];
    for (let j = 0; j < REPEATS; j++) samples.push(await openAndSort(page, runs, false));
    if (PROFILE) await profiled(page, `open-and-sort-${runs}`, () => openAndSort(page, runs, false));
    scales.push({ runs, heapBytes: await heapAfterGc(page), median: medians(samples), samples });
    console.log(`${runs} runs:`, JSON.stringify(scales.at(-1)));
  }
  await context.close();
  const [small, large] = [scales[0], scales.at(-1)!];
  const report = {
    date: new Date().toISOString(),
    repeats: REPEATS,
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    // What each run more costs the renderer's heap: the difference between the smallest and the largest database.
    bytesPerRunHeld: (large.heapBytes - small.heapBytes) / (large.runs - small.runs),
    scales,
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scale-latest.json'), JSON.stringify(report, null, 2));
  console.log(
    'medians:',
    JSON.stringify(
      {
        bytesPerRunHeld: report.bytesPerRunHeld,
        openAndSort: Object.fromEntries(scales.map((s) => [s.runs, s.median])),
        loadAverage: report.loadAverage,
      },
      null,
      2,
    ),
  );
});

test(`storage path: ${RUNS} runs × ${STEPS} steps, end to end; then open, sort and scroll`, async ({ browser }) => {
  const loadBefore = loadavg()[0];
  const sweeps: EndToEnd[] = [];
  const views: OpenAndSort[] = [];
  for (let i = 0; i < REPEATS; i++) {
    // A fresh profile each time: an empty database, as a first sweep finds it.
    const context = await browser.newContext();
    const page = await context.newPage();
    sweeps.push(await (PROFILE && i === 0 ? profiled(page, 'end-to-end', () => endToEnd(page)) : endToEnd(page)));
    console.log(`sweep ${i + 1}/${REPEATS}:`, JSON.stringify(sweeps.at(-1)));
    if (i === REPEATS - 1) {
      for (let j = 0; j < REPEATS; j++) {
        views.push(await openAndSort(page));
        console.log(`open and sort ${j + 1}/${REPEATS}:`, JSON.stringify(views.at(-1)));
      }
    }
    await context.close();
  }
  const report = {
    date: new Date().toISOString(),
    runs: RUNS,
    steps: STEPS,
    repeats: REPEATS,
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    endToEnd: { median: medians(sweeps), samples: sweeps },
    openAndSort: { median: medians(views), samples: views },
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `storage-${report.date.replaceAll(':', '-')}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join(dir, 'storage-latest.json'), JSON.stringify(report, null, 2));
  console.log(
    'medians:',
    JSON.stringify(
      { endToEnd: report.endToEnd.median, openAndSort: report.openAndSort.median, loadAverage: report.loadAverage },
      null,
      2,
    ),
  );
});
