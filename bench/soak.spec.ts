/**
 * The soak (`npm run soak`, not part of `npm test`): sweeps of 100,000 runs with bounded traces, one after another,
 * computed by a serve-mode process and stored by the app in Chromium, with memory sampled every second: the main
 * process's RSS and heap (a probe preloaded into it, bench/soak-memory-probe.cjs) and the renderer's JS heap (CDP
 * Performance.getMetrics). It writes every sample to test-results/soak-samples.csv and fails if a sweep does not
 * complete within SOAK_MAX_MINUTES (all of them together), if the main process's steady memory during the last sweep
 * is above that during the first (a leak grows from sweep to sweep; each sweep's ramp up to what back-pressure allows
 * is not one), or if the renderer then holds more than a page freshly loaded with the same runs (a leak beyond
 * the run summaries it keeps by design).
 *
 * The sweeps are launched over a socket of the soak's own (the form stops at 10,000 runs; a spec may allow 100,000):
 * serve mode sends every event to every socket, so the page stores and acknowledges them exactly as if it had launched
 * them.
 *   SOAK_RUNS (default 100000 a sweep, a multiple of 100), SOAK_SWEEPS (2), SOAK_STEPS (2000), SOAK_TRACE_POINTS (200),
 *   SOAK_MAX_MINUTES (60).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { SESSION_PROTOCOL, SOCKET_PATH, SOCKET_PROTOCOL, type SocketReply } from '../src-core/contract/socket';
import type { SweepLaunched } from '../src-core/contract/types';
import { decodeFrame, encodeFrame } from '../src-core/transport/wire';
import { readCount, runsCount } from '../e2e/flows';
import { startServe } from '../e2e/reliability-helpers';
import { chromiumArgs, chromiumPath } from '../playwright.config';

const TOKEN = 'soak-token-3f9d2c7b1a8e5d04c6';
const RUNS = Number(process.env.SOAK_RUNS ?? 100_000);
const STEPS = Number(process.env.SOAK_STEPS ?? 2000);
// Each trace thinned from 2,001 steps to 200 rows: 20 million rows stored in all.
const TRACE_POINTS = Number(process.env.SOAK_TRACE_POINTS ?? 200);
const SWEEPS = Number(process.env.SOAK_SWEEPS ?? 2);
const MAX_MINUTES = Number(process.env.SOAK_MAX_MINUTES ?? 60);
const SAMPLE_MS = 1000;
const MB = 1024 * 1024;
const probe = fileURLToPath(new URL('./soak-memory-probe.cjs', import.meta.url));

interface Sample {
  seconds: number;
  /** Which sweep was running, from 1. */
  sweep: number;
  done: number;
  mainRss: number;
  mainHeap: number;
  rendererHeap: number;
  rendererHeapTotal: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
};

/**
 * No growth from sweep to sweep: a series' median over the second half of the last sweep's runs is within 20% (or
 * 32 MB, for small series) of its median over the second half of the first's. The second half is steady state: the
 * launch's expansion of the runs and the ramp of unacknowledged results up to the back-pressure bound come before it.
 */
function growth(samples: Sample[], pick: (s: Sample) => number): { first: number; last: number; flat: boolean } {
  const steady = (sweep: number) => median(samples.filter((s) => s.sweep === sweep && s.done >= RUNS / 2).map(pick));
  const first = steady(1);
  const last = steady(Math.max(...samples.map((s) => s.sweep)));
  return { first, last, flat: last <= Math.max(first * 1.2, first + 32 * MB) };
}

test(`soak: ${SWEEPS} sweeps of ${RUNS.toLocaleString('en')} runs through serve mode with flat memory`, async () => {
  // A profile on disk, as a person's browser keeps one. Playwright's own contexts are off the record: their IndexedDB
  // lives in memory, and Chromium refused writes to it (QuotaExceededError) at 1.4 GB used of an 11.6 GB quota it
  // reported — 627,000 runs of a million, at 2,500 bytes a run.
  const profile = mkdtempSync(join(tmpdir(), 'adagrad-lab-soak-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const server = await startServe(TOKEN, 0, ['-r', probe]);
  const socket: { ws?: WebSocket } = {};
  try {
    await page.goto(`${server.url}#token=${TOKEN}`);
    await expect(page.getByTestId('sweep-form')).toBeVisible();
    // The page's session (the link's token works once): this launcher signs in with it, as a reconnecting page does.
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('adagrad-lab-session'))).not.toBeNull();
    const session = await page.evaluate(() => sessionStorage.getItem('adagrad-lab-session'));

    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}${SOCKET_PATH}`,
      [SOCKET_PROTOCOL, SESSION_PROTOCOL + session],
      { origin: server.url.slice(0, -1) },
    );
    socket.ws = ws;
    await new Promise((resolve, reject) => ws.once('message', resolve).once('close', reject).once('error', reject));
    // Only launch replies are read; the events are the page's to store (decoding them all would slow the soak).
    const replies = new Map<number, { resolve: (launched: SweepLaunched) => void; reject: (error: Error) => void }>();
    ws.on('message', (data: Buffer) => {
      if (data.readUInt32LE(0) > 4096) return;
      const message = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as SocketReply;
      if (!('id' in message)) return;
      if (message.result.ok) replies.get(message.id)?.resolve(message.result.value as SweepLaunched);
      else replies.get(message.id)?.reject(new Error(message.result.error.message));
    });
    const launch = (sweep: number): Promise<SweepLaunched> => {
      const spec = {
        name: `soak ${sweep} of ${SWEEPS}`,
        objectives: [{ id: 'quadratic-1d' }],
        start: [4],
        optimizers: [
          {
            kind: 'adagrad',
            axes: {
              lr: { log: { from: 1e-4, to: 10, count: RUNS / 100 } },
              eps: { log: { from: 1e-10, to: 0.1, count: 100 } },
            },
          },
        ],
        steps: STEPS,
        traceMaxPoints: TRACE_POINTS,
        maxRuns: RUNS,
      };
      const reply = new Promise<SweepLaunched>((resolve, reject) => replies.set(sweep, { resolve, reject }));
      ws.send(encodeFrame({ id: sweep, method: 'launchSweep', payload: spec }));
      return reply;
    };

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const started = Date.now();
    const samples: Sample[] = [];
    const sweepSeconds: number[] = [];
    let completedSweeps = 0;
    for (let sweep = 1; sweep <= SWEEPS; sweep++) {
      const sweepStarted = Date.now();
      expect((await launch(sweep)).runCount).toBe(RUNS);
      const card = page.getByTestId('progress').filter({ hasText: `soak ${sweep} of ${SWEEPS}` });
      let completed = false;
      while (Date.now() - started < MAX_MINUTES * 60_000) {
        const text = await card.getByTestId('progress-count').innerText();
        const done = readCount(text.split(' / ')[0]);
        const { metrics } = (await cdp.send('Performance.getMetrics')) as {
          metrics: { name: string; value: number }[];
        };
        const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
        const probeLines = server.output().match(/soak-memory (\{.*\})/g) ?? [];
        const main = JSON.parse(probeLines.at(-1)?.slice('soak-memory '.length) ?? '{}') as NodeJS.MemoryUsage;
        const sample = {
          seconds: (Date.now() - started) / 1000,
          sweep,
          done,
          mainRss: main.rss,
          mainHeap: main.heapUsed,
          rendererHeap: metric('JSHeapUsedSize'),
          rendererHeapTotal: metric('JSHeapTotalSize'),
        };
        samples.push(sample);
        if (samples.length % 15 === 1) {
          console.log(
            `soak: sweep ${sweep}: ${done}/${RUNS} runs at ${sample.seconds.toFixed(0)} s; main rss ${(sample.mainRss / MB).toFixed(0)} MB, ` +
              `heap ${(sample.mainHeap / MB).toFixed(0)} MB; renderer heap ${(sample.rendererHeap / MB).toFixed(0)} MB of ${(sample.rendererHeapTotal / MB).toFixed(0)} MB`,
          );
        }
        if ((await card.getAttribute('data-status')) === 'completed' && done === RUNS) {
          completed = true;
          break;
        }
        await page.waitForTimeout(SAMPLE_MS);
      }
      if (!completed) {
        // What the page says, for whoever reads the failure: the sweep's card and any problem it reports.
        console.log(
          `soak: sweep ${sweep} did not complete; its card reads "${await card.innerText()}"; the page reports: ${await page.getByRole('alert').allInnerTexts()}`,
        );
        break;
      }
      completedSweeps++;
      sweepSeconds.push((Date.now() - sweepStarted) / 1000);
      console.log(
        `soak: sweep ${sweep} of ${SWEEPS}: ${RUNS.toLocaleString('en')} runs stored in ${sweepSeconds.at(-1)!.toFixed(0)} s (${(RUNS / sweepSeconds.at(-1)!).toFixed(0)} runs/s)`,
      );
    }

    writeFileSync(
      'test-results/soak-samples.csv',
      [
        'seconds,sweep,done,main_rss,main_heap_used,renderer_js_heap_used,renderer_js_heap_total',
        ...samples.map((s) =>
          [s.seconds, s.sweep, s.done, s.mainRss, s.mainHeap, s.rendererHeap, s.rendererHeapTotal].join(','),
        ),
      ].join('\n') + '\n',
    );
    const pickers: Record<string, (s: Sample) => number> = {
      'main RSS': (s) => s.mainRss,
      'main heap': (s) => s.mainHeap,
    };
    const report = Object.fromEntries(Object.entries(pickers).map(([name, pick]) => [name, growth(samples, pick)]));
    const storedRuns = completedSweeps * RUNS;
    console.log(
      `soak: ${completedSweeps} of ${SWEEPS} sweeps completed, ${storedRuns.toLocaleString('en')} runs stored in ${samples.at(-1)!.seconds.toFixed(0)} s, ${samples.length} samples`,
    );
    for (const [name, r] of Object.entries(report)) {
      console.log(
        `soak: ${name}: peak ${(Math.max(...samples.map(pickers[name]).filter(Number.isFinite)) / MB).toFixed(0)} MB; steady ${(r.first / MB).toFixed(0)} MB in the first sweep, ${(r.last / MB).toFixed(0)} MB in the last: ${r.flat ? 'flat' : 'GROWING'}`,
      );
    }

    // The renderer keeps every stored run's summary in memory by design (the runs table sorts and filters them all), so
    // its heap grows with the runs stored. A leak is what it holds beyond that: after the soak it must hold no more
    // than a page freshly loaded with the same runs (both measured after a full garbage collection).
    const retainedHeap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
    };
    // What the runs take on disk: the page's origin's IndexedDB usage and quota.
    const storage = await page.evaluate(() => navigator.storage.estimate());
    console.log(
      `soak: IndexedDB ${((storage.usage ?? NaN) / MB).toFixed(0)} MB of a ${((storage.quota ?? NaN) / MB).toFixed(0)} MB quota, ` +
        `${((storage.usage ?? NaN) / Math.max(storedRuns, 1)).toFixed(0)} bytes a run stored`,
    );
    const afterSoak = await retainedHeap();
    await page.reload();
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(storedRuns), { timeout: 5 * 60_000 });
    const fresh = await retainedHeap();
    const rendererPeak = Math.max(...samples.map((s) => s.rendererHeap));
    const noLeak = afterSoak <= Math.max(fresh * 1.2, fresh + 32 * MB);
    console.log(
      `soak: renderer JS heap: peak ${(rendererPeak / MB).toFixed(0)} MB; after the soak ${(afterSoak / MB).toFixed(0)} MB retained, ` +
        `a fresh page with the same ${storedRuns} runs ${(fresh / MB).toFixed(0)} MB (${(fresh / Math.max(storedRuns, 1)).toFixed(0)} bytes a run): ${noLeak ? 'no leak' : 'LEAKING'}`,
    );

    expect(completedSweeps, `the sweeps did not complete within ${MAX_MINUTES} min`).toBe(SWEEPS);
    for (const [name, r] of Object.entries(report)) expect(r.flat, `${name} grew`).toBe(true);
    expect(noLeak, 'the renderer holds more after the soak than a fresh page with the same runs').toBe(true);
  } finally {
    socket.ws?.close();
    await server.stop('SIGTERM');
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
