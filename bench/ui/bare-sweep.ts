/**
 * The end-to-end sweep of storage.bench.ts (a), driven without Playwright: `npx tsx bench/ui/bare-sweep.ts [repeats]`
 * (after `npx electron-vite build`; BENCH_UI_PORT, 7499 unless set; BENCH_UI_RUNS, 10,000); `npm run bench:ui` runs it last, five sweeps.
 * Medians are printed and written to bench/ui/results/bare-latest.json.
 *
 * Why a second driver: Playwright turns on DevTools' Network domain in every page it drives, and Chromium then reports
 * each WebSocket message to it, its payload in base64 — for a 10,000-run sweep ~95 MB of binary frames encoded in the
 * window, passed through the browser process and parsed by the test's own Node process. A person's browser (or the
 * Electron window) does none of that. This driver speaks DevTools' protocol over a pipe and uses only Runtime.evaluate
 * and Page.navigate, so the window does exactly what it does for a person; the figures are those of storage.bench.ts
 * (a): Launch → every run stored and listed, → every run computed, tasks over 50 ms, and each process's CPU time
 * (BENCH_UI_THREADS=1: each thread's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { requestLink } from '../../src-main/serve/link';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { countText, runsCount } from '../../e2e/flows';
import { median } from '../measure';
import { BENCH_UI_PORT, BENCH_UI_TOKEN } from './playwright.config';
import { cpuSince, whenQuiet, type Settling } from './process-cpu';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 10_000);
const STEPS = 1000;
/**
 * Launch once the browser and serve mode are quiet (`whenQuiet`), as a person launches into a window that has been open
 * a while; BENCH_UI_SETTLE=0 launches as soon as the form is filled, inside the browser's own start (the figures
 * before 2026-12-07 were taken so).
 */
const SETTLE = process.env.BENCH_UI_SETTLE !== '0';
/**
 * BENCH_UI_PROFILE=1: a CPU profile of the window's main thread from Launch to listed (the last sweep's, in
 * test-results/bench-ui/bare-end-to-end.cpuprofile); =trace: a Chromium trace of every process instead
 * (bare-end-to-end.trace.json), whose tasks show what the profile's "(program)" is.
 */
const PROFILE = process.env.BENCH_UI_PROFILE === '1';
const TRACE = process.env.BENCH_UI_PROFILE === 'trace';
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink',
  'IndexedDB',
  'blink.user_timing',
  'disabled-by-default-v8.cpu_profiler',
];
const RESULTS_DIR = join(import.meta.dirname, '../../test-results/bench-ui');

/** Tracing.end's trace, read from the stream it returns. */
async function endTrace(cdp: Cdp): Promise<string> {
  const complete = cdp.once<{ stream: string }>('Tracing.tracingComplete');
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  let trace = '';
  for (let eof = false; !eof;) {
    const chunk = await cdp.send<{ data: string; eof: boolean }>('IO.read', { handle: stream, size: 1 << 20 });
    trace += chunk.data;
    eof = chunk.eof;
  }
  await cdp.send('IO.close', { handle: stream });
  return trace;
}
const CHROMIUM = chromiumPath ?? '/usr/bin/chromium';
/** As playwright.config.ts launches it, headless, with the switches of Playwright's own that bear on timing. */
const CHROMIUM_ARGS = [
  '--headless=new',
  '--disable-field-trial-config',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-ipc-flooding-protection',
  '--disable-hang-monitor',
  '--disable-breakpad',
  '--disable-extensions',
  '--disable-component-extensions-with-background-pages',
  '--disable-default-apps',
  '--no-default-browser-check',
  ...chromiumArgs,
  '--window-size=1280,800',
  '--remote-debugging-pipe',
];

/** A DevTools protocol connection over Chromium's pipe (fd 3 in, fd 4 out; messages end with a NUL byte). */
class Cdp {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private buffered = '';
  /** Who waits for the next event of a method (`once`). */
  private readonly listeners = new Map<string, (params: unknown) => void>();

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let end = this.buffered.indexOf('\0'); end >= 0; end = this.buffered.indexOf('\0')) {
        const message = JSON.parse(this.buffered.slice(0, end)) as {
          id?: number;
          result?: unknown;
          error?: { message: string };
          method?: string;
          params?: unknown;
        };
        this.buffered = this.buffered.slice(end + 1);
        if (message.method) {
          this.listeners.get(message.method)?.(message.params);
          this.listeners.delete(message.method);
        }
        const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
        if (!waiter) continue;
        this.waiting.delete(message.id!);
        if (message.error) waiter.reject(new Error(message.error.message));
        else waiter.resolve(message.result);
      }
    });
  }

  /** Resolves with the params of the next event `method`. */
  once<T>(method: string): Promise<T> {
    return new Promise<T>((resolve) => this.listeners.set(method, resolve as (params: unknown) => void));
  }

  send<T>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.next++;
    this.input.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    return new Promise<T>((resolve, reject) =>
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
  }
}

/** Evaluates `expression` in the page (awaiting a promise it gives) and returns its value. */
async function evaluate<T>(cdp: Cdp, sessionId: string, expression: string): Promise<T> {
  const { result, exceptionDetails } = await cdp.send<{
    result: { value: T };
    exceptionDetails?: { exception?: { description?: string } };
  }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? 'evaluation failed');
  return result.value;
}

/** In the page: resolves with performance.now() once `testid`'s text starts with `text`. */
const whenText = (testid: string, text: string) => `new Promise((resolve) => {
  const check = () => document.querySelector('[data-testid="${testid}"]')?.textContent?.trim().startsWith(${JSON.stringify(text)}) ?? false;
  if (check()) return resolve(performance.now());
  const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); resolve(performance.now()); } });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
})`;

/** In the page: sets a form field as typing would (Svelte listens to input and change). */
const fill = (testid: string, value: string) => `(() => {
  const field = document.querySelector('[data-testid="sweep-form"] [data-testid="${testid}"]');
  const proto = field instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value').set.call(field, ${JSON.stringify(value)});
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
})()`;

async function waitFor(cdp: Cdp, sessionId: string, expression: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await evaluate<boolean>(cdp, sessionId, expression).catch(() => false))) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Sample {
  launchToListedMs: number;
  launchToComputedMs: number;
  longTasksOver50: number;
  longestTaskMs: number;
  cpuMs: Record<string, number>;
  /** How long the sweep waited for the processes to go quiet before Launch; absent with BENCH_UI_SETTLE=0. */
  settling?: Settling;
}

async function sweepOnce(): Promise<Sample> {
  const profile = mkdtempSync(join(tmpdir(), 'bare-sweep-'));
  const browser = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  try {
    const cdp = new Cdp(browser.stdio[3] as Writable, browser.stdio[4] as Readable);
    const { targetInfos } = await cdp.send<{ targetInfos: { targetId: string; type: string }[] }>('Target.getTargets');
    const { targetId } = targetInfos.find((t) => t.type === 'page')!;
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    await cdp.send('Page.navigate', { url: await requestLink(BENCH_UI_PORT) }, sessionId);
    await waitFor(cdp, sessionId, `!!document.querySelector('[data-testid="launch"]')`);
    await evaluate(
      cdp,
      sessionId,
      `window.benchLongTasks = []; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.benchLongTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true })`,
    );
    await evaluate(cdp, sessionId, fill('field-objectives-0', 'elliptic-2d'));
    await evaluate(cdp, sessionId, fill('field-optimizers-0-lr', `log(1e-3, 1, ${RUNS})`));
    await evaluate(cdp, sessionId, fill('field-steps', String(STEPS)));
    await evaluate(cdp, sessionId, fill('field-maxRuns', String(RUNS)));
    await evaluate(cdp, sessionId, whenText('run-count', runsCount(RUNS)));
    const settling = SETTLE ? await whenQuiet(process.pid) : undefined;
    if (TRACE)
      await cdp.send('Tracing.start', {
        transferMode: 'ReturnAsStream',
        traceConfig: { includedCategories: TRACE_CATEGORIES },
      });
    if (PROFILE) {
      await cdp.send('Profiler.enable', {}, sessionId);
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 }, sessionId);
      await cdp.send('Profiler.start', {}, sessionId);
    }
    const launched = await evaluate<number>(
      cdp,
      sessionId,
      // The marks delimit the sweep in a trace.
      `(() => { const at = performance.mark('bench:launched').startTime; document.querySelector('[data-testid="launch"]').click(); return at; })()`,
    );
    const cpu = cpuSince(process.pid, process.env.BENCH_UI_THREADS === '1');
    const [computed, listed] = await evaluate<[number, number]>(
      cdp,
      sessionId,
      `Promise.all([${whenText('progress-count', `${countText(RUNS)} / ${countText(RUNS)}`)}, ${whenText('runs-count', runsCount(RUNS))}])`,
    );
    const cpuMs = cpu();
    await evaluate(cdp, sessionId, `performance.mark('bench:listed'), 0`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    if (PROFILE) {
      const { profile } = await cdp.send<{ profile: unknown }>('Profiler.stop', {}, sessionId);
      writeFileSync(join(RESULTS_DIR, 'bare-end-to-end.cpuprofile'), JSON.stringify(profile));
    }
    if (TRACE) writeFileSync(join(RESULTS_DIR, 'bare-end-to-end.trace.json'), await endTrace(cdp));
    const tasks = await evaluate<number[]>(
      cdp,
      sessionId,
      `window.benchLongTasks.filter(([s, d]) => s + d >= ${launched} && s <= ${listed}).map(([, d]) => d)`,
    );
    return {
      launchToListedMs: listed - launched,
      launchToComputedMs: computed - launched,
      longTasksOver50: tasks.filter((d) => d > 50).length,
      longestTaskMs: Math.max(0, ...tasks),
      cpuMs,
      settling,
    };
  } finally {
    browser.kill();
    await new Promise((resolve) => browser.once('exit', resolve));
    // Its other processes may still write to the profile for a moment after the browser process exits.
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

async function startServer(): Promise<ChildProcess> {
  const server = spawn('node', ['out/main/serve.js', '--port', String(BENCH_UI_PORT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ADAGRAD_LAB_TOKEN: BENCH_UI_TOKEN },
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => chunk.includes('serving at') && resolve());
    server.once('exit', () => reject(new Error('serve mode exited')));
  });
  return server;
}

const repeats = Number(process.argv[2] ?? 3);
const server = await startServer();
try {
  const load = loadavg()[0];
  const samples: Sample[] = [];
  for (let i = 0; i < repeats; i++) {
    samples.push(await sweepOnce());
    console.log(`sweep ${i + 1}/${repeats}:`, JSON.stringify(samples[i]));
  }
  // What issue 15's targets read: the median sweep's time, and every task over 50 ms in all the sweeps.
  const summary = {
    date: new Date().toISOString(),
    runs: RUNS,
    steps: STEPS,
    sweeps: repeats,
    settled: SETTLE,
    launchToListedMs: median(samples.map((s) => s.launchToListedMs)),
    launchToComputedMs: median(samples.map((s) => s.launchToComputedMs)),
    cpuTotalMs: median(samples.map((s) => s.cpuMs.total)),
    longTasksOver50: samples.map((s) => s.longTasksOver50),
    longestTaskMs: Math.max(...samples.map((s) => s.longestTaskMs)),
    loadAverage: { before: load, after: loadavg()[0] },
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bare-latest.json'), JSON.stringify({ ...summary, samples }, null, 2));
  console.log('medians (bench/ui/results/bare-latest.json):', JSON.stringify(summary, null, 2));
} finally {
  server.kill();
}
