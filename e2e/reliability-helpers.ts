/**
 * What the reliability e2e tests need beyond a person's steps: a serve-mode process of their own (to read its log, to
 * SIGKILL it and start it again on the same port, so the browser keeps the same origin and IndexedDB), and a look
 * into the page's IndexedDB to check what is stored. The store's layout (database adagrad-lab; tables runPages and
 * tracePages, pages of a sweep's runs keyed [sweepId, page], see src-renderer/lib/storage/run-pages.ts; a run page's
 * columns are read by the app's own page-codec.ts) is read in this one place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { executeRun } from '../src-core/run/execute';
import { requestLink } from '../src-main/serve/link';
import { pageKey, runAddress, type PageKey } from '../src-renderer/lib/storage/run-pages';
import { RunPageReader, type RunPage } from '../src-renderer/lib/storage/page-codec';
import { compactColumn } from '../src-core/run/compact-trace';
import type { RunConfig, RunSummary, SweepSpec } from '../src-core/contract/types';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface ServeProcess {
  /** http://127.0.0.1:PORT/ (without the token). */
  url: string;
  port: number;
  /** A fresh single-use sign-in link, from the server's local socket (as `adagrad-lab link --port PORT` gets one). */
  link(): Promise<string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and waits for the process to end. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node [nodeArgs] out/main/serve.js [serveArgs]`; port 0 picks a free one. Resolves once it prints the URL it serves.
 * Two worker threads: this machine's cores, and the same on every machine the tests run on.
 */
export function startServe(
  token: string,
  port = 0,
  nodeArgs: string[] = [],
  serveArgs: string[] = [],
): Promise<ServeProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, 'out/main/serve.js', '--port', String(port), '--threads', '2', ...serveArgs],
    {
      cwd: root,
      env: { ...process.env, ADAGRAD_LAB_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 20 s:\n${output}`)), 20_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /serving at (http:\/\/127\.0\.0\.1:(\d+)\/)#token=/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        port: Number(match[2]),
        link: () => requestLink(Number(match[2])),
        output: () => output,
        stop: async (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before serving:\n${output}`)));
  });
}

export interface StoredRunView {
  id: string;
  sweepId: string;
  index: number;
  config: RunConfig;
  summary: RunSummary;
}

type Table = 'sweeps' | 'runPages' | 'tracePages';
/** Every record of a table, the pages of one sweep, or the loss column of one run's trace, from its trace page. */
type Read = 'all' | { sweepId: string } | { page: PageKey; lossOf: string };

/**
 * A read of the page's IndexedDB that Chromium fails with an UnknownError ("Failed to read large IndexedDB value":
 * transient, as the app's own reads treat it, src-renderer/lib/storage/transient-reads.ts) is tried again, at most
 * twice, and said in the log; a value that stays unreadable still fails the test.
 */
async function readAgainIfTransient<T>(page: Page, what: string, read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt === 3 || !String(error).includes('UnknownError')) throw error;
      console.log(`reliability: a read of ${what} failed (${String(error).split('\n')[0]}); reading it again`);
      await page.waitForTimeout(250);
    }
  }
}

/** One read of the page's IndexedDB. */
const readTable = <T>(page: Page, table: Table, read: Read): Promise<T> =>
  readAgainIfTransient(page, table, () => readTableOnce<T>(page, table, read));

function readTableOnce<T>(page: Page, table: Table, read: Read): Promise<T> {
  return page.evaluate(
    async ({ table, read }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('adagrad-lab');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        const store = db.transaction(table).objectStore(table);
        const request =
          read === 'all'
            ? store.getAll()
            : 'sweepId' in read
              ? store.getAll(IDBKeyRange.bound([read.sweepId, -Infinity], [read.sweepId, Infinity]))
              : store.get(read.page);
        const result = await new Promise<unknown>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        // Typed arrays (a run page's columns) travel as lists, revived by `revive`.
        const plain = (record: unknown) =>
          Object.fromEntries(
            Object.entries(record as object).map(([key, value]) => [
              key,
              ArrayBuffer.isView(value) && !(value instanceof DataView)
                ? { typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) }
                : value,
            ]),
          );
        if (read === 'all' || 'sweepId' in read)
          return table === 'runPages' ? (result as unknown[]).map(plain) : result;
        // A trace page: one buffer, and per trace where each column is (src-renderer/lib/storage/trace-storage.ts).
        const { entries, bytes } = result as {
          entries: { runId: string; columns: [string, number, number][] }[];
          bytes: ArrayBuffer;
        };
        const trace = entries.find((entry) => entry.runId === read.lossOf);
        if (!trace) throw new Error(`No trace stored for run ${read.lossOf}`);
        const [kind, at, length] = trace.columns[1];
        return Array.from(kind === 'f32' ? new Float32Array(bytes, at, length) : new Float64Array(bytes, at, length));
      } finally {
        db.close();
      }
    },
    { table, read },
  ) as Promise<T>;
}

/** A page of traces as stored (src-renderer/lib/storage/run-pages.ts). */
interface PageRecord<T> {
  entries: T[];
}

const typedArrays = { Int32Array, Float64Array, Uint8Array } as const;

/** A run page's record as readTable sends it, its columns typed arrays again. */
const revive = (record: Record<string, unknown>): RunPage =>
  Object.fromEntries(
    Object.entries(record).map(([key, value]) => {
      const typed = value as { typed?: keyof typeof typedArrays; values: number[] };
      return [key, typed?.typed ? typedArrays[typed.typed].from(typed.values) : value];
    }),
  ) as unknown as RunPage;

/**
 * The runs of one sweep as IndexedDB holds them (in their pages: columns, configs from the sweep's spec, read by the
 * app's own page reader), and the ids of the traces stored for them.
 */
export async function readStored(page: Page, sweepId: string): Promise<{ runs: StoredRunView[]; traceIds: string[] }> {
  const runPages = await readTable<Record<string, unknown>[]>(page, 'runPages', { sweepId });
  const tracePages = await readTable<PageRecord<{ runId: string }>[]>(page, 'tracePages', { sweepId });
  const sweeps = await readTable<{ id: string; spec: SweepSpec }[]>(page, 'sweeps', 'all');
  const spec = sweeps.find((sweep) => sweep.id === sweepId)?.spec;
  return {
    runs: runPages.flatMap((p) => new RunPageReader(revive(p)).runs(spec)),
    traceIds: tracePages.flatMap((p) => p.entries.map((trace) => trace.runId)),
  };
}

/** The loss trace IndexedDB holds for a run, as plain numbers: read from the trace page its id names. */
export const readLoss = (page: Page, runId: string): Promise<number[]> =>
  readTable<number[]>(page, 'tracePages', { page: pageKey(runAddress(runId)), lossOf: runId });

/** The sweeps IndexedDB holds, oldest first. */
export const readSweeps = async (
  page: Page,
): Promise<{ id: string; status: string; runCount: number; createdAt: number }[]> =>
  (await readTable<{ id: string; status: string; runCount: number; createdAt: number }[]>(page, 'sweeps', 'all')).sort(
    (a, b) => a.createdAt - b.createdAt,
  );

export const runIdOf = (sweepId: string, index: number): string => `${sweepId}:${String(index).padStart(6, '0')}`;

/**
 * Checks that the stored runs of a sweep are whole and unique: each under the id its index gives, one per index, each
 * with its trace; every stored summary bit-identical to src-core's own run of its config (what the embedded pool
 * computes), and for a sample of `sample` runs the stored loss trace too. With `total`, every run of the sweep must be
 * there. Returns the stored ids and how many runs' traces were recomputed.
 */
export async function expectWholeAndUnique(
  page: Page,
  sweepId: string,
  total?: number,
  sample = 12,
): Promise<{ ids: string[]; recomputed: number }> {
  const { runs, traceIds } = await readStored(page, sweepId);
  const ids = runs.map((r) => r.id).sort();
  for (const run of runs) expect(run.id).toBe(runIdOf(sweepId, run.index));
  expect(new Set(runs.map((r) => r.index)).size).toBe(runs.length);
  expect(traceIds.sort()).toEqual(ids);
  if (total !== undefined) expect(ids).toEqual(Array.from({ length: total }, (_, i) => runIdOf(sweepId, i)));
  const step = Math.max(1, Math.floor(runs.length / sample));
  let recomputed = 0;
  for (const [i, run] of runs.entries()) {
    const local = executeRun(run.config);
    expect(run.summary, run.id).toEqual(local.summary);
    if (i % step !== 0) continue;
    // Stored as the store narrows it (float32 where faithful): the same numbers, bit for bit.
    expect(await readLoss(page, run.id), run.id).toEqual(Array.from(compactColumn(local.trace.loss)));
    recomputed++;
  }
  return { ids, recomputed };
}

/** How a sweep's runs and traces are stored, counted inside the page (a 100,000-run sweep is too much to send out). */
export interface StoredCounts {
  runs: number;
  /** Distinct indexes among the stored runs, each under the id its index gives. */
  distinctRuns: number;
  traces: number;
  /** Indexes below `total` with no run stored. */
  missing: number;
}

export const countStored = (page: Page, sweepId: string, total: number): Promise<StoredCounts> =>
  readAgainIfTransient(page, 'the stored pages', () => countStoredOnce(page, sweepId, total));

function countStoredOnce(page: Page, sweepId: string, total: number): Promise<StoredCounts> {
  return page.evaluate(
    async ({ sweepId, total }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('adagrad-lab');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const pages = <T>(table: string) =>
        new Promise<T[]>((resolve, reject) => {
          const request = db
            .transaction(table)
            .objectStore(table)
            .getAll(IDBKeyRange.bound([sweepId, -Infinity], [sweepId, Infinity]));
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      try {
        const seen = new Uint8Array(total);
        let runs = 0;
        let distinctRuns = 0;
        // A run page's runs are columns: their indexes, and ids only where not made of sweep and index (page-codec.ts).
        for (const { indexes, ids } of await pages<{ indexes: Int32Array; ids: [number, string][] }>('runPages')) {
          const oddIds = new Set(ids.map(([index]) => index));
          for (const index of indexes) {
            runs++;
            const wellNamed = index < total && !oddIds.has(index);
            if (wellNamed && seen[index] === 0) distinctRuns++;
            if (wellNamed) seen[index] = 1;
          }
        }
        let traces = 0;
        for (const { entries } of await pages<{ entries: unknown[] }>('tracePages')) traces += entries.length;
        return { runs, distinctRuns, traces, missing: total - distinctRuns };
      } finally {
        db.close();
      }
    },
    { sweepId, total },
  );
}
