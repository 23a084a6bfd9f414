/**
 * The soak (`npm run soak`, not part of `npm test`): one sweep of 100,000 runs with bounded traces, computed by a
 * serve-mode process and stored by the app in Chromium, with memory sampled every second: the main process's RSS and
 * heap (a probe preloaded into it, bench/soak-memory-probe.cjs) and the renderer's JS heap (CDP Performance.getMetrics).
 * It reports the peaks and whether memory stayed flat, writes every sample to test-results/soak-samples.csv, and
 * fails if the sweep does not complete within SOAK_MAX_MINUTES, the main process's memory grows, or the renderer then
 * holds more than a page freshly loaded with the same runs (a leak beyond the run summaries it keeps by design).
 *
 * The sweep is launched over a socket of the soak's own (the form stops at 10,000 runs; a spec may allow 100,000):
 * serve mode sends every event to every socket, so the page stores and acknowledges it exactly as if it had launched it.
 *   SOAK_RUNS (default 100000, a multiple of 100), SOAK_STEPS (2000), SOAK_TRACE_POINTS (200), SOAK_MAX_MINUTES (60).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { SOCKET_PATH, type SocketReply } from '../src-core/contract/socket';
import type { SweepLaunched } from '../src-core/contract/types';
import { decodeFrame, encodeFrame } from '../src-core/wire';
import { runsCount } from '../e2e/flows';
import { startServe } from '../e2e/reliability-helpers';

const TOKEN = 'soak-token-3f9d2c7b1a';
const RUNS = Number(process.env.SOAK_RUNS ?? 100_000);
const STEPS = Number(process.env.SOAK_STEPS ?? 2000);
// Each trace thinned from 2,001 steps to 200 rows: 20 million rows stored in all.
const TRACE_POINTS = Number(process.env.SOAK_TRACE_POINTS ?? 200);
const MAX_MINUTES = Number(process.env.SOAK_MAX_MINUTES ?? 60);
const SAMPLE_MS = 1000;
const MB = 1024 * 1024;
const probe = fileURLToPath(new URL('./soak-memory-probe.cjs', import.meta.url));

interface Sample {
  seconds: number;
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
 * Flat: over the last quarter of the runs stored, the series' median is within 20% (or 32 MB, for small series) of its
 * median over the second quarter, after the first quarter's warm-up. Growth that tracks the runs stored fails this.
 * The quarters are of the runs the soak got through, so a soak stopped by its time bound is judged on what it did.
 */
function flatness(samples: Sample[], pick: (s: Sample) => number): { peak: number; early: number; late: number; flat: boolean } {
  const reached = Math.max(...samples.map((s) => s.done));
  const quarter = (q: number) => samples.filter((s) => s.done >= (q * reached) / 4 && (q === 3 ? s.done <= reached : s.done < ((q + 1) * reached) / 4)).map(pick);
  const early = median(quarter(1));
  const late = median(quarter(3));
  return { peak: Math.max(...samples.map(pick)), early, late, flat: late <= Math.max(early * 1.2, early + 32 * MB) };
}

test(`soak: a ${RUNS.toLocaleString('en')}-run sweep through serve mode with flat memory`, async ({ context, page }) => {
  const server = await startServe(TOKEN, 0, ['-r', probe]);
  const socket: { ws?: WebSocket } = {};
  try {
    await page.goto(`${server.url}?token=${TOKEN}`);
    await expect(page.getByTestId('sweep-form')).toBeVisible();
    const session = (await context.cookies()).find((cookie) => cookie.name === 'lab_session');
    expect(session, 'signed in').toBeDefined();

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${SOCKET_PATH}`, { headers: { cookie: `lab_session=${session!.value}` }, origin: server.url.slice(0, -1) });
    socket.ws = ws;
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const launched = new Promise<SweepLaunched>((resolve, reject) =>
      ws.on('message', (data: Buffer) => {
        // Only the launch reply is read; the events are the page's to store (decoding them all would slow the soak).
        if (data.readUInt32LE(0) > 4096) return;
        const message = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as SocketReply;
        if (!('id' in message) || message.id !== 1) return;
        if (message.result.ok) resolve(message.result.value as SweepLaunched);
        else reject(new Error(message.result.error.message));
      }),
    );
    const spec = {
      name: 'soak',
      objectives: [{ id: 'quadratic-1d' }],
      start: [4],
      optimizers: [{ kind: 'adagrad', axes: { lr: { log: { from: 1e-4, to: 10, count: RUNS / 100 } }, eps: { log: { from: 1e-10, to: 0.1, count: 100 } } } }],
      steps: STEPS,
      traceMaxPoints: TRACE_POINTS,
      maxRuns: RUNS,
    };
    ws.send(encodeFrame({ id: 1, method: 'launchSweep', payload: spec }));
    const { sweepId, runCount } = await launched;
    expect(runCount).toBe(RUNS);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const progress = page.getByTestId('progress').first();
    const started = Date.now();
    const samples: Sample[] = [];
    let completed = false;
    while (Date.now() - started < MAX_MINUTES * 60_000) {
      const text = await page.getByTestId('progress-count').first().innerText();
      const done = Number(text.split(' / ')[0]);
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
      const probeLines = server.output().match(/soak-memory (\{.*\})/g) ?? [];
      const main = JSON.parse(probeLines.at(-1)?.slice('soak-memory '.length) ?? '{}') as NodeJS.MemoryUsage;
      const sample = { seconds: (Date.now() - started) / 1000, done, mainRss: main.rss, mainHeap: main.heapUsed, rendererHeap: metric('JSHeapUsedSize'), rendererHeapTotal: metric('JSHeapTotalSize') };
      samples.push(sample);
      if (samples.length % 15 === 1) {
        console.log(
          `soak: ${done}/${RUNS} runs at ${sample.seconds.toFixed(0)} s (${(done / sample.seconds).toFixed(0)} runs/s); main rss ${(sample.mainRss / MB).toFixed(0)} MB, ` +
            `heap ${(sample.mainHeap / MB).toFixed(0)} MB; renderer heap ${(sample.rendererHeap / MB).toFixed(0)} MB of ${(sample.rendererHeapTotal / MB).toFixed(0)} MB`,
        );
      }
      if ((await progress.getAttribute('data-status')) === 'completed' && done === RUNS) {
        completed = true;
        break;
      }
      await page.waitForTimeout(SAMPLE_MS);
    }

    writeFileSync(
      'test-results/soak-samples.csv',
      ['seconds,done,main_rss,main_heap_used,renderer_js_heap_used,renderer_js_heap_total', ...samples.map((s) => [s.seconds, s.done, s.mainRss, s.mainHeap, s.rendererHeap, s.rendererHeapTotal].join(','))].join('\n') + '\n',
    );
    const report = {
      'main RSS': flatness(samples, (s) => s.mainRss),
      'main heap': flatness(samples, (s) => s.mainHeap),
    };
    const last = samples.at(-1)!;
    console.log(`soak: sweep ${sweepId}: ${completed ? 'completed' : 'NOT completed'}, ${last.done} of ${RUNS} runs stored in ${last.seconds.toFixed(0)} s, ${samples.length} samples`);
    for (const [name, r] of Object.entries(report)) {
      console.log(`soak: ${name}: peak ${(r.peak / MB).toFixed(0)} MB; median ${(r.early / MB).toFixed(0)} MB in the 2nd quarter, ${(r.late / MB).toFixed(0)} MB in the 4th: ${r.flat ? 'flat' : 'GROWING'}`);
    }

    // The renderer keeps every stored run's summary in memory by design (the runs table sorts and filters them all), so
    // its heap grows with the runs stored. A leak is what it holds beyond that: after the soak it must hold no more
    // than a page freshly loaded with the same runs (both measured after a full garbage collection).
    const retainedHeap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
      return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
    };
    const afterSoak = await retainedHeap();
    await page.reload();
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(last.done), { timeout: 5 * 60_000 });
    const fresh = await retainedHeap();
    const rendererPeak = Math.max(...samples.map((s) => s.rendererHeap));
    const noLeak = afterSoak <= Math.max(fresh * 1.2, fresh + 32 * MB);
    console.log(
      `soak: renderer JS heap: peak ${(rendererPeak / MB).toFixed(0)} MB; after the soak ${(afterSoak / MB).toFixed(0)} MB retained, ` +
        `a fresh page with the same ${last.done} runs ${(fresh / MB).toFixed(0)} MB (${(fresh / Math.max(last.done, 1)).toFixed(0)} bytes a run): ${noLeak ? 'no leak' : 'LEAKING'}`,
    );

    expect(completed, `the sweep did not complete within ${MAX_MINUTES} min`).toBe(true);
    for (const [name, r] of Object.entries(report)) expect(r.flat, `${name} grew`).toBe(true);
    expect(noLeak, 'the renderer holds more after the soak than a fresh page with the same runs').toBe(true);
  } finally {
    socket.ws?.close();
    await server.stop('SIGTERM');
  }
});
