/**
 * The payloads each request takes, shared by the IPC and socket fuzz tests: valid ones, ones a mutation away from
 * valid, and anything; and the oracle, what the contract's rules (written out here, not the schemas) say of a payload,
 * that a handler's answer must match.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Result } from '../../src-core/contract/result';
import type { MethodName } from '../../src-core/contract/methods';
import { anyPayload, mutated, validSpec } from './arbitraries';

/**
 * What the contract's rules say of a payload, written out here from the rules (docs/reliability.md, the messages'
 * "must be …"), not by calling the schemas the handlers call: 'accept', 'refuse', or 'undecided' where deciding would
 * mean writing the sweep-spec validator again (a spec's nested objectives, optimizers and axes; those are fuzzed
 * against their own rules in contract.fuzz.test.ts). A request is an object with exactly its fields.
 */
type Verdict = 'accept' | 'refuse' | 'undecided';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
/** An object whose enumerable keys (own or inherited, as a for-in loop sees them) are all among `allowed`. */
const onlyKeys = (x: Record<string, unknown>, allowed: readonly string[]): boolean => {
  for (const key in x) if (!allowed.includes(key)) return false;
  return true;
};
const isText = (x: unknown, max: number): boolean => typeof x === 'string' && x.length <= max;
const isWhole = (x: unknown, min: number, max: number): boolean =>
  Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
/** A list (a real array, holes count as missing) of at most `max` run ids of at most 200 characters. */
const isIdList = (x: unknown, max: number): boolean => {
  if (!Array.isArray(x) || x.length > max) return false;
  for (let i = 0; i < x.length; i++) if (!isText(x[i], 200)) return false;
  return true;
};
/** A file name: 1 to 200 characters, none of / \ : * ? " < > | or a control character. */
const isFileName = (x: unknown): boolean =>
  isText(x, 200) &&
  (x as string).length > 0 &&
  ![...(x as string)].some(
    (c) => '/\\:*?"<>|'.includes(c) || c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f),
  );
const verdict = (accepted: boolean): Verdict => (accepted ? 'accept' : 'refuse');

/**
 * A Redis URL and queue as a request carries them: refused unless text (the URL up to 2000 characters, the queue up to
 * 64) and the URL's scheme redis:// or rediss://; beyond that the URL's own rules decide (redis-url.test.ts).
 */
const redisTarget = (p: Record<string, unknown>): Verdict =>
  isText(p.url, 2000) && (p.queue === undefined || isText(p.queue, 64)) && /^rediss?:\/\//i.test(p.url as string)
    ? 'undecided'
    : 'refuse';

/** A sweep spec: refused when a rule of its own fields is broken; otherwise it depends on what is nested in it. */
function specVerdict(p: unknown): Verdict {
  if (!isRecord(p)) return 'refuse';
  const fields = [
    'name',
    'objectives',
    'start',
    'optimizers',
    'steps',
    'seeds',
    'tolerance',
    'traceMaxPoints',
    'search',
    'maxRuns',
  ];
  if (!onlyKeys(p, fields)) return 'refuse';
  if (!isText(p.name, 200)) return 'refuse';
  if (!Array.isArray(p.objectives) || p.objectives.length === 0) return 'refuse';
  if (!Array.isArray(p.optimizers) || p.optimizers.length === 0) return 'refuse';
  if (!isWhole(p.steps, 1, 1_000_000)) return 'refuse';
  if (p.tolerance !== undefined && p.tolerance !== null && !Number.isFinite(p.tolerance)) return 'refuse';
  if (p.traceMaxPoints !== undefined && p.traceMaxPoints !== null && !isWhole(p.traceMaxPoints, 3, 100_000))
    return 'refuse';
  if (p.maxRuns !== undefined && !isWhole(p.maxRuns, 1, 1_000_000)) return 'refuse';
  return 'undecided';
}

const rules: Record<MethodName, (p: unknown) => Verdict> = {
  launchSweep: specVerdict,
  acknowledge: (p) =>
    verdict(
      Array.isArray(p) &&
        p.length <= 10_000 &&
        // Array.from: a hole is undefined, as the schema reads it, where every() would skip it.
        Array.from(p).every(
          (r) =>
            isRecord(r) &&
            onlyKeys(r, ['sweepId', 'from', 'to']) &&
            isText(r.sweepId, 200) &&
            isWhole(r.from, 0, 999_999) &&
            isWhole(r.to, 1, 1_000_000) &&
            (r.from as number) < (r.to as number),
        ),
    ),
  resendPending: () => 'accept',
  cancelSweep: (p) => verdict(isText(p, 200)),
  resumeSweep: (p) => {
    const request =
      isRecord(p) &&
      onlyKeys(p, ['sweepId', 'createdAt', 'spec', 'storedRunIds']) &&
      isText(p.sweepId, 200) &&
      Number.isFinite(p.createdAt) &&
      isIdList(p.storedRunIds, 1_000_000);
    return request ? specVerdict((p as { spec: unknown }).spec) : 'refuse';
  },
  startExport: (p) =>
    verdict(
      isRecord(p) &&
        onlyKeys(p, ['kind', 'suggestedName', 'everyStep']) &&
        (p.kind === 'summary' || p.kind === 'traces') &&
        isFileName(p.suggestedName) &&
        typeof p.everyStep === 'boolean',
    ),
  // The fuzzed pages have no runs, or runs that are not export runs (nasty values): a list of them is refused.
  writeExport: (p) => {
    if (!(
      isRecord(p) &&
      onlyKeys(p, ['exportId', 'runs']) &&
      isText(p.exportId, 100) &&
      Array.isArray(p.runs) &&
      p.runs.length <= 5000
    ))
      return 'refuse';
    for (let i = 0; i < p.runs.length; i++) {
      const run = p.runs[i];
      if (isRecord(run) && 'config' in run && 'summary' in run && 'sweepName' in run) return 'undecided';
    }
    return verdict(p.runs.length === 0);
  },
  finishExport: (p) =>
    verdict(
      isRecord(p) && onlyKeys(p, ['exportId', 'abort']) && isText(p.exportId, 100) && typeof p.abort === 'boolean',
    ),
  workerThreads: (p) =>
    verdict(isRecord(p) && onlyKeys(p, ['threads']) && (p.threads === null || isWhole(p.threads, 1, 256))),
  sweepExecutor: (p) => {
    if (p === null) return 'accept';
    if (!isRecord(p)) return 'refuse';
    if (p.on === 'this-computer') return verdict(onlyKeys(p, ['on']));
    return p.on === 'agents' && onlyKeys(p, ['on', 'url', 'queue']) ? redisTarget(p) : 'refuse';
  },
  testRedis: (p) => (isRecord(p) && onlyKeys(p, ['url', 'queue']) ? redisTarget(p) : 'refuse'),
};

/** URLs of the right shape that are not a Redis to connect to (another scheme, no host, a password to mask). */
const badRedisUrl = fc.constantFrom('http://127.0.0.1:6379', 'redis://', 'redis://:secret@host/db9x', 'localhost:6379');

/** A payload for a channel: a valid one, one mutation from valid, or anything. */
export const payloadFor = (name: MethodName): fc.Arbitrary<unknown> => {
  const valid: Record<MethodName, fc.Arbitrary<unknown>> = {
    launchSweep: validSpec,
    acknowledge: fc.array(
      fc
        .record({
          sweepId: fc.string({ maxLength: 30 }),
          from: fc.nat(999_998),
          length: fc.integer({ min: 1, max: 10 }),
        })
        .map(({ sweepId, from, length }) => ({ sweepId, from, to: Math.min(1_000_000, from + length) })),
      { maxLength: 5 },
    ),
    resendPending: fc.constant(undefined),
    cancelSweep: fc.uuid(),
    resumeSweep: fc.record({
      sweepId: fc.uuid(),
      createdAt: fc.nat(),
      spec: validSpec,
      storedRunIds: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    }),
    startExport: fc.record({
      kind: fc.constantFrom('summary', 'traces'),
      suggestedName: fc.constantFrom('runs.csv', 'é.csv'),
      everyStep: fc.boolean(),
    }),
    writeExport: fc.record({ exportId: fc.uuid(), runs: fc.constant([]) }),
    finishExport: fc.record({ exportId: fc.uuid(), abort: fc.boolean() }),
    workerThreads: fc.record({ threads: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 300 })) }),
    // No URL here reaches a Redis: choosing agents is tested against a real one (test/main/sweep-executor.test.ts).
    sweepExecutor: fc.oneof(
      fc.constant(null),
      fc.constant({ on: 'this-computer' }),
      fc.record({ on: fc.constant('agents'), url: badRedisUrl }, { requiredKeys: ['on', 'url'] }),
    ),
    testRedis: fc.record({ url: badRedisUrl, queue: fc.constantFrom('lab', 'a:b') }, { requiredKeys: ['url'] }),
  };
  return fc.oneof(
    valid[name],
    mutated(valid[name]).map((m) => m.payload),
    anyPayload,
  );
};

/** Sweeps a resume was accepted for: only these may be refused as still running. */
const resumed = new Set<string>();
/** Exports started and left open (serve mode opens each download's; a declined save dialog opens none): at most 8. */
let openExports = 0;
const MAX_OPEN_EXPORTS = 8;

/**
 * A handler's answer agrees with the rules: accepted when they accept, refused when they refuse, either way where they
 * leave it undecided. The refusals that depend on state are allowed exactly where that state holds: no export is ever
 * open under a fuzzed id (the IPC ones are declined at their start, as a cancelled save dialog does; serve mode's get
 * ids of their own), so a well-formed page or end of an export is refused for its id, and only it; a start is refused
 * for too many open exports only once 8 are open; a resume is refused as still running only for a sweep resumed before.
 */
export function expectAgreesWithSchema(name: MethodName, payload: unknown, result: Result<unknown>): void {
  const rule = rules[name](payload);
  const said = `${name}: the rules say ${rule}, the handler ${result.ok ? 'accepted' : `refused (${result.error.message.slice(0, 200)})`}`;
  if (name === 'writeExport' || name === 'finishExport') {
    expect(result.ok, said).toBe(false);
    const forItsId =
      !result.ok && result.error.code === 'not-found' && result.error.message.startsWith('Invalid export id: ');
    if (rule !== 'undecided') expect(forItsId, said).toBe(rule === 'accept');
    return;
  }
  if (name === 'resumeSweep' && !result.ok && result.error.message.startsWith('Invalid sweep to resume: ')) {
    expect(resumed.has((payload as { sweepId: string }).sweepId), said).toBe(true);
    expect(rule, said).not.toBe('refuse');
    return;
  }
  if (name === 'resumeSweep' && result.ok) resumed.add((payload as { sweepId: string }).sweepId);
  if (
    name === 'startExport' &&
    !result.ok &&
    result.error.message.startsWith('Invalid export request: ') &&
    result.error.message.includes('open already')
  ) {
    expect(openExports, said).toBeGreaterThanOrEqual(MAX_OPEN_EXPORTS);
    expect(rule, said).toBe('accept');
    return;
  }
  if (name === 'startExport' && result.ok && (result.value as { exportId: string | null }).exportId !== null)
    openExports++;
  if (rule !== 'undecided') expect(result.ok, said).toBe(rule === 'accept');
}
