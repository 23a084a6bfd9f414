/**
 * CPU time of the processes a UI bench starts, read from Linux's /proc: serve mode (with its worker threads) and
 * Chromium's processes (the browser process holds IndexedDB's backend and the socket; the renderer runs the window).
 * On a machine of two cores shared by every process, their total bounds a sweep as much as the window's main thread,
 * so the bench reports what each spent between two moments (`cpuSince`). Only descendants of the Playwright runner are
 * counted, never other sessions' browsers.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux everywhere in practice). */
const TICKS_PER_SECOND = 100;

interface ProcessInfo {
  /** A process's id, or a thread's (serve mode's threads are counted one by one). */
  pid: number;
  ppid: number;
  /** What the process is: serve mode, one of Chromium's process types, or its command's name. */
  kind: string;
  /** utime + stime, in ms. */
  cpuMs: number;
}

/** Fields of /proc/<pid>/stat after the command's name (which may hold spaces and parentheses). */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

function kindOf(cmdline: string): string {
  if (cmdline.includes('serve.js')) return 'serve mode';
  const type = /--type=([\w-]+)/.exec(cmdline);
  if (type) {
    const service = /--utility-sub-type=([\w.]+)/.exec(cmdline);
    // Each renderer apart: besides the window's, Chromium may keep one for the first blank page or its own UI.
    const renderer = /--renderer-client-id=(\d+)/.exec(cmdline);
    return `chromium ${type[1]}${service ? ` (${service[1]})` : ''}${renderer ? ` ${renderer[1]}` : ''}`;
  }
  return cmdline.includes('chrom') ? 'chromium browser' : (cmdline.split('\0')[0].split('/').pop() ?? '?');
}

/** CPU of a /proc/…/stat line, in ms: utime (field 11 after the name) + stime (12). */
const cpuMsOf = (fields: string[]): number => ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;

/** Each thread of a process, its kind "<process kind>: <thread name>" (a process's first thread: "main"). */
function threadsOf(pid: number, ppid: number, kind: string): ProcessInfo[] {
  const tids = readdirSync(`/proc/${pid}/task`).map(Number);
  return tids.map((tid, i) => {
    const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    const fields = statFields(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    // Node names none of its threads: they are told apart by the order they were started in.
    const name = tid === pid ? 'main' : comm === 'node' ? `node thread ${i}` : comm;
    return { pid: tid, ppid, kind: `${kind}: ${name}`, cpuMs: cpuMsOf(fields) };
  });
}

function processes(byThread: boolean): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = statFields(readFileSync(`/proc/${name}/stat`, 'utf8'));
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      // After the name: state (0), ppid (1), …
      const [pid, ppid, kind] = [Number(name), Number(fields[1]), kindOf(cmdline)];
      found.push(...(byThread ? threadsOf(pid, ppid, kind) : [{ pid, ppid, kind, cpuMs: cpuMsOf(fields) }]));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** The descendants of `root`, with their CPU so far. */
function descendants(root: number, byThread: boolean): ProcessInfo[] {
  const all = processes(byThread);
  const inTree = new Set([root]);
  // Parents come before children in most listings, not all: repeat until nothing is added.
  for (let added = true; added;) {
    added = false;
    for (const p of all)
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        added = true;
      }
  }
  return all.filter((p) => inTree.has(p.pid) && p.pid !== root);
}

/**
 * Starts counting; the function returned gives each kind of process's CPU time (ms) since then, summed over the
 * processes of that kind (a process started meanwhile counts whole), and `total`. `root`: the Playwright runner, parent
 * of the test's worker process, which starts the web server and the browser alike. `byThread`: each thread apart.
 */
export function cpuSince(root = process.ppid, byThread = false): () => Record<string, number> {
  const before = new Map(descendants(root, byThread).map((p) => [p.pid, p.cpuMs]));
  return () => {
    const spent: Record<string, number> = {};
    let total = 0;
    for (const p of descendants(root, byThread)) {
      const ms = p.cpuMs - (before.get(p.pid) ?? 0);
      if (ms <= 0) continue;
      spent[p.kind] = (spent[p.kind] ?? 0) + ms;
      total += ms;
    }
    return { ...spent, total };
  };
}

/** What `whenQuiet` waited for: how long, and whether the processes went quiet before its time ran out. */
export interface Settling {
  waitedMs: number;
  quiet: boolean;
}

/**
 * Resolves once the processes under `root` together spend less than `busyShare` of one core over a whole `windowMs`,
 * or after `timeoutMs`. A browser started for a bench is still starting for seconds after its page has loaded
 * (Chromium 156's own toolbar UI, a renderer of its own, takes ~0.3 s of CPU in its first seconds); on two cores a
 * sweep launched meanwhile is timed with that work inside it, which the desktop app (no browser UI) and a person (who
 * launches a sweep some seconds after the window opens) never see.
 */
export async function whenQuiet(
  root: number,
  { windowMs = 500, busyShare = 0.1, timeoutMs = 15_000 } = {},
): Promise<Settling> {
  const started = Date.now();
  for (;;) {
    const spent = cpuSince(root);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const waitedMs = Date.now() - started;
    if (spent().total < busyShare * windowMs) return { waitedMs, quiet: true };
    if (waitedMs >= timeoutMs) return { waitedMs, quiet: false };
  }
}
