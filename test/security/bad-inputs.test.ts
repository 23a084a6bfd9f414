/**
 * Hand-written bad inputs at every boundary the main process answers, each with the exact message it gets, in the
 * style of PyTorch's common_optimizers.py error tables: NaN, Infinity, negative, huge, wrong type, missing field, extra
 * field, a 10⁹-run sweep, a 1 GB string and prototype-pollution keys. Every row goes through createHandlers, the layer
 * both transports (Electron IPC and serve mode's socket) call after their own sender and framing checks, so the
 * message is what the user's renderer receives. Optimizer hyperparameters one by one: test/core/optim/errors.test.ts;
 * the structure of sweep specs: test/core/sweep/expand.test.ts (rows not repeated here).
 *
 * The 1 GB string: V8's longest string, 2²⁹−24 UTF-16 units (1 GiB as UTF-16), built by String.prototype.repeat as a
 * rope that costs 0.1 MB. Reading its length is free; trimming, slicing or matching it makes V8 flatten it, 0.5 GB at
 * once. So each row also asserts that the refusal left the heap where it was: a check that read the text before its
 * length would fail that. Serve mode never sees such a string (MAX_SOCKET_PAYLOAD, 16 MiB, closes the socket first:
 * test/main/serve.test.ts); Electron IPC would deliver it, which is what these rows stand for.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../src-core/run/execute';
import { ExportSessions } from '../../src-main/export/sessions';
import type { MethodName } from '../../src-core/contract/methods';
import { createHandlers } from '../../src-main/handlers';
import { SweepService } from '../../src-main/sweep-service';
import { Limits, TOO_LONG_TO_READ } from '../../src-core/contract/schemas';
import { adagradRun, goodSpec } from '../helpers/configs';
import { inProcessExecutor } from '../helpers/in-process-executor';

/** 2²⁹−1024 characters: 1 GiB as UTF-16, just under V8's longest string. */
const GIGABYTE_STRING = 'x'.repeat(2 ** 29 - 1024);
/** V8's longest string on 64-bit, 2²⁹−24 characters: valibot cannot even quote it into an issue. */
const LONGEST_STRING = 'x'.repeat(2 ** 29 - 24);
const spec = (over: Record<string, unknown>) => ({ ...goodSpec, ...over });
const adagrad = (entry: Record<string, unknown>) => ({ optimizers: [{ kind: 'adagrad', ...entry }] });
const resume = (over: Record<string, unknown>) => ({
  sweepId: 's',
  createdAt: 1,
  spec: goodSpec,
  storedRunIds: [],
  ...over,
});
const startExport = (over: Record<string, unknown>) => ({
  kind: 'summary',
  suggestedName: 'runs.csv',
  everyStep: false,
  ...over,
});
const computed = executeRun(adagradRun());
/** A page of one exported run, with what a person attached to it changed by `annotations`. */
const exportPage = (annotations: Record<string, unknown>) => ({
  exportId: 'e',
  runs: [
    {
      config: computed.config,
      summary: computed.summary,
      sweepName: 'lr sweep',
      annotations: { tags: [], starred: false, note: '', ...annotations },
    },
  ],
});
const withKey = (base: object, key: string, value: unknown): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...base };
  // defineProperty makes an own "__proto__" key, as JSON.parse and structured clone do; assignment would set the prototype.
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
};

interface Row {
  desc: string;
  handler: MethodName;
  input: unknown;
  expectedMessage: string;
}

const rows: Row[] = [
  // NaN
  {
    desc: 'a NaN dimension',
    handler: 'launchSweep',
    input: spec({ objectives: [{ id: 'rosenbrock', dim: NaN }], start: null }),
    expectedMessage: 'objectives.0.dim: Invalid dimension: NaN (must be a whole number from 2 to 1,000,000)',
  },
  {
    desc: 'a NaN creation time',
    handler: 'resumeSweep',
    input: resume({ createdAt: NaN }),
    expectedMessage: 'createdAt: Invalid creation time: NaN (must be a finite number)',
  },
  {
    desc: 'a NaN start point',
    handler: 'launchSweep',
    input: spec({ start: [NaN] }),
    expectedMessage: 'start.0: Invalid start point: NaN (must be a finite number)',
  },
  // Infinity
  {
    desc: 'an infinite fixed learning rate',
    handler: 'launchSweep',
    input: spec(adagrad({ fixed: { lr: Infinity } })),
    expectedMessage: 'optimizers.0.fixed.lr: Invalid learning rate: Infinity (must be a finite number > 0)',
  },
  {
    desc: 'an infinite condition number',
    handler: 'launchSweep',
    input: spec({ objectives: [{ id: 'ill-conditioned', dim: 2, condition: Infinity }], start: null }),
    expectedMessage: 'objectives.0.condition: Invalid condition number: Infinity (must be a finite number >= 1)',
  },
  {
    desc: 'an infinite run limit',
    handler: 'launchSweep',
    input: spec({ maxRuns: Infinity }),
    expectedMessage: 'maxRuns: Invalid run limit: Infinity (must be a whole number from 1 to 1,000,000)',
  },
  {
    desc: 'a -Infinity creation time',
    handler: 'resumeSweep',
    input: resume({ createdAt: -Infinity }),
    expectedMessage: 'createdAt: Invalid creation time: -Infinity (must be a finite number)',
  },
  // negative
  {
    desc: 'a negative epsilon on an axis',
    handler: 'launchSweep',
    input: spec(adagrad({ axes: { eps: { values: [1e-8, -1e-8] } } })),
    expectedMessage: 'optimizers.0.axes.eps: Invalid epsilon: -1e-8 (must be a finite number >= 0)',
  },
  {
    desc: 'a negative trace size',
    handler: 'launchSweep',
    input: spec({ traceMaxPoints: -5 }),
    expectedMessage: 'traceMaxPoints: Invalid trace size: -5 (must be a whole number from 3 to 100,000)',
  },
  {
    desc: 'a negative number of random samples',
    handler: 'launchSweep',
    input: spec({ search: { mode: 'random', samples: -1, seed: 0 } }),
    expectedMessage: 'search.samples: Invalid number of samples: -1 (must be a whole number from 1 to 1,000,000)',
  },
  // huge
  {
    desc: '10³⁰⁰ steps',
    handler: 'launchSweep',
    input: spec({ steps: 1e300 }),
    expectedMessage: 'steps: Invalid number of steps: 1e+300 (must be a whole number from 1 to 1,000,000)',
  },
  {
    desc: 'a dimension of 10⁷',
    handler: 'launchSweep',
    input: spec({ objectives: [{ id: 'rastrigin', dim: 1e7 }], start: null }),
    expectedMessage: 'objectives.0.dim: Invalid dimension: 10000000 (must be a whole number from 1 to 1,000,000)',
  },
  {
    desc: 'a data set of 10⁹ non-zeros',
    handler: 'launchSweep',
    input: spec({
      objectives: [
        {
          id: 'sparse-logreg',
          samples: 1_000_000,
          features: 10_000,
          nonZerosPerSample: 1000,
          zipfExponent: 1.1,
          seed: 0,
        },
      ],
      start: null,
    }),
    expectedMessage:
      'objectives.0: Invalid data set size: 1000000000 non-zeros (must be at most 50,000,000: fewer samples or non-zeros per sample)',
  },
  {
    desc: 'an acknowledgement of 10,001 ranges',
    handler: 'acknowledge',
    input: Array(Limits.maxRangesPerAck + 1).fill({ sweepId: 's', from: 0, to: 1 }),
    expectedMessage: 'Invalid stored ranges: 10001 ranges (must be at most 10000)',
  },
  {
    desc: 'a Redis URL of another scheme, with a password (masked)',
    handler: 'sweepExecutor',
    input: { on: 'agents', url: 'http://lab:hunter2@10.0.0.5:6379' },
    expectedMessage:
      'Invalid value for the Redis URL: "http://lab:***@10.0.0.5:6379" (the scheme is http:; must be redis://[user:password@]host[:port][/db], or rediss:// for TLS)',
  },
  // wrong type
  {
    desc: 'a place to run sweeps that is not one',
    handler: 'sweepExecutor',
    input: { on: 'gpu' },
    expectedMessage: 'Invalid place to run sweeps: "gpu" (must be one of this-computer, agents)',
  },
  {
    desc: 'a learning rate as text',
    handler: 'launchSweep',
    input: spec(adagrad({ fixed: { lr: '0.1' } })),
    expectedMessage: 'optimizers.0.fixed.lr: Invalid learning rate: "0.1" (must be a finite number > 0)',
  },
  {
    desc: 'steps as a boolean',
    handler: 'launchSweep',
    input: spec({ steps: true }),
    expectedMessage: 'steps: Invalid number of steps: true (must be a whole number from 1 to 1,000,000)',
  },
  {
    desc: 'a spec that is a list',
    handler: 'launchSweep',
    input: [goodSpec],
    expectedMessage: 'Invalid sweep: a list (must be an object)',
  },
  {
    desc: 'an acknowledgement that is text',
    handler: 'acknowledge',
    input: 'not a list',
    expectedMessage: 'Invalid stored ranges: "not a list" (must be a list of ranges)',
  },
  {
    desc: 'a stored range that is a run id',
    handler: 'acknowledge',
    input: [{ sweepId: 's', from: 0, to: 1 }, 's:000000'],
    expectedMessage: '1: Invalid stored range: "s:000000" (must be an object)',
  },
  {
    desc: 'a stored range past the largest sweep',
    handler: 'acknowledge',
    input: [{ sweepId: 's', from: 0, to: 1_000_001 }],
    expectedMessage: '0.to: Invalid range end: 1000001 (must be a whole number from 1 to 1,000,000)',
  },
  {
    desc: 'a sweep id that is a number',
    handler: 'cancelSweep',
    input: 42,
    expectedMessage: 'Invalid sweep id: 42 (must be text)',
  },
  {
    desc: 'an every-step choice that is a number',
    handler: 'startExport',
    input: startExport({ everyStep: 5 }),
    expectedMessage: 'everyStep: Invalid every-step choice: 5 (must be true or false)',
  },
  {
    desc: 'a tag that is a number',
    handler: 'writeExport',
    input: exportPage({ tags: [7] }),
    expectedMessage: 'runs.0.annotations.tags.0: Invalid tag: 7 (must be text)',
  },
  {
    desc: 'a resume request that is null',
    handler: 'resumeSweep',
    input: null,
    expectedMessage: 'Invalid resume request: null (must be an object)',
  },
  // missing field
  {
    desc: 'a resume request without its creation time',
    handler: 'resumeSweep',
    input: { sweepId: 's', spec: goodSpec, storedRunIds: [] },
    expectedMessage: 'createdAt: Missing field: a resume request needs it',
  },
  {
    desc: 'an export request without its kind',
    handler: 'startExport',
    input: { suggestedName: 'runs.csv', everyStep: false },
    expectedMessage: 'kind: Missing field: an export request needs it',
  },
  {
    desc: 'a Rosenbrock objective without its dimension',
    handler: 'launchSweep',
    input: spec({ objectives: [{ id: 'rosenbrock' }], start: null }),
    expectedMessage: 'objectives.0.dim: Missing field: rosenbrock needs it',
  },
  {
    desc: 'a resumed spec without steps',
    handler: 'resumeSweep',
    input: resume({ spec: { ...goodSpec, steps: undefined } }),
    expectedMessage: 'steps: Invalid number of steps: undefined (must be a whole number from 1 to 1,000,000)',
  },
  // extra field
  {
    desc: 'an extra field in a resume request',
    handler: 'resumeSweep',
    input: resume({ priority: 'high' }),
    expectedMessage: 'priority: Unknown field: "priority" is not part of a resume request',
  },
  {
    desc: 'an extra field in an export request',
    handler: 'startExport',
    input: startExport({ path: '/etc/passwd' }),
    expectedMessage: 'path: Unknown field: "path" is not part of an export request',
  },
  {
    desc: 'an extra field in an objective',
    handler: 'launchSweep',
    input: spec({ objectives: [{ id: 'quadratic-1d', scale: 2 }] }),
    expectedMessage: 'objectives.0.scale: Unknown field: "scale" is not part of quadratic-1d',
  },
  // a 10⁹-run sweep
  {
    desc: 'a random search of 10⁹ runs (10⁶ samples × 1,000 seeds)',
    handler: 'launchSweep',
    input: spec({
      maxRuns: 1_000_000,
      search: { mode: 'random', samples: 1_000_000, seed: 0 },
      objectives: [{ id: 'quadratic-1d' }],
      seeds: Array.from({ length: 1000 }, (_, i) => i),
    }),
    expectedMessage: 'Invalid sweep size: 1,000,000,000 runs (must be at most 1,000,000)',
  },
  {
    desc: 'a resumed grid of 10⁹ runs',
    handler: 'resumeSweep',
    input: resume({
      spec: spec({
        objectives: [{ id: 'quadratic-1d' }],
        ...adagrad({
          axes: {
            lr: { log: { from: 1e-4, to: 1, count: 1_000_000 } },
            eps: { linear: { from: 0, to: 1, count: 1000 } },
          },
        }),
      }),
    }),
    expectedMessage:
      'Invalid sweep size: 1,000,000,000 runs (must be at most 10,000; raise maxRuns up to 1,000,000 to allow more)',
  },
  // a 1 GB string
  {
    desc: 'a 1 GB sweep name',
    handler: 'launchSweep',
    input: spec({ name: GIGABYTE_STRING }),
    expectedMessage: 'name: Invalid sweep name: text of 536869888 characters (must be at most 200 characters)',
  },
  {
    desc: 'a 1 GB learning rate',
    handler: 'launchSweep',
    input: spec(adagrad({ fixed: { lr: GIGABYTE_STRING } })),
    expectedMessage:
      'optimizers.0.fixed.lr: Invalid learning rate: text of 536869888 characters (must be a finite number > 0)',
  },
  {
    desc: 'a 1 GB Redis URL to test',
    handler: 'testRedis',
    input: { url: GIGABYTE_STRING },
    expectedMessage: 'url: Invalid Redis URL: 536869888 characters (must be at most 2000)',
  },
  {
    desc: 'a 1 GB sweep id',
    handler: 'cancelSweep',
    input: GIGABYTE_STRING,
    expectedMessage: 'Invalid sweep id: text of 536869888 characters (must be at most 200 characters)',
  },
  {
    desc: 'a 1 GB sweep id in an acknowledgement',
    handler: 'acknowledge',
    input: [{ sweepId: GIGABYTE_STRING, from: 0, to: 1 }],
    expectedMessage: '0.sweepId: Invalid sweep id: text of 536869888 characters (must be at most 200 characters)',
  },
  {
    desc: 'a 1 GB note on an exported run',
    handler: 'writeExport',
    input: exportPage({ note: GIGABYTE_STRING }),
    expectedMessage:
      'runs.0.annotations.note: Invalid note: text of 536869888 characters (must be at most 2000 characters)',
  },
  // file names that disguise themselves
  {
    desc: 'a file name with a right-to-left override (runs‮vsc.exe shows as runsexe.csv)',
    handler: 'startExport',
    input: startExport({ suggestedName: 'runs\u202evsc.exe' }),
    expectedMessage:
      'suggestedName: Invalid file name: "runs\\u202evsc.exe" (must not be empty, start with a dot, or contain / \\ : * ? " < > |, control characters or invisible format characters such as U+202E)',
  },
  {
    desc: 'a hidden file name',
    handler: 'startExport',
    input: startExport({ suggestedName: '.bashrc' }),
    expectedMessage:
      'suggestedName: Invalid file name: ".bashrc" (must not be empty, start with a dot, or contain / \\ : * ? " < > |, control characters or invisible format characters such as U+202E)',
  },
  {
    desc: 'a 1 GB file name',
    handler: 'startExport',
    input: startExport({ suggestedName: GIGABYTE_STRING }),
    expectedMessage: 'suggestedName: Invalid file name: text of 536869888 characters (must be at most 200 characters)',
  },
  {
    desc: 'a 1 GB axis value',
    handler: 'launchSweep',
    input: spec(adagrad({ axes: { epsPlacement: { values: ['inside', GIGABYTE_STRING] } } })),
    expectedMessage:
      'optimizers.0.axes.epsPlacement: Invalid eps placement: text of 536869888 characters (must be one of outside, inside, inside-guarded)',
  },
  {
    desc: 'a learning rate 1 GB long, as long as JavaScript strings go',
    handler: 'launchSweep',
    input: spec(adagrad({ fixed: { lr: LONGEST_STRING } })),
    expectedMessage: `optimizers.0: ${TOO_LONG_TO_READ}`,
  },
  {
    desc: 'a stored run id 1 GB long, as long as JavaScript strings go',
    handler: 'resumeSweep',
    input: resume({ storedRunIds: ['s:000000', LONGEST_STRING] }),
    expectedMessage: 'storedRunIds.1: Invalid run id: text of 536870888 characters (must be at most 200 characters)',
  },
  // prototype-pollution keys
  {
    desc: 'a __proto__ key in a resume request',
    handler: 'resumeSweep',
    input: withKey(resume({}), '__proto__', { polluted: true }),
    expectedMessage: '__proto__: Unknown field: "__proto__" is not part of a resume request',
  },
  {
    desc: 'a __proto__ key in an export request',
    handler: 'startExport',
    input: withKey(startExport({}), '__proto__', { polluted: true }),
    expectedMessage: '__proto__: Unknown field: "__proto__" is not part of an export request',
  },
  {
    desc: 'a constructor key in a sweep',
    handler: 'launchSweep',
    input: withKey(goodSpec, 'constructor', { prototype: { polluted: true } }),
    expectedMessage: 'constructor: Unknown field: "constructor" is not part of a sweep',
  },
  {
    desc: 'a prototype key in an objective',
    handler: 'launchSweep',
    input: spec({ objectives: [withKey({ id: 'quadratic-1d' }, 'prototype', { polluted: true })] }),
    expectedMessage: 'objectives.0.prototype: Unknown field: "prototype" is not part of quadratic-1d',
  },
  {
    desc: 'a constructor key among fixed hyperparameters',
    handler: 'launchSweep',
    input: spec(adagrad({ fixed: withKey({}, 'constructor', 1) })),
    expectedMessage:
      'optimizers.0.fixed.constructor: Unknown hyperparameter: "constructor" is not an option of adagrad (must be one of lr, eps, epsPlacement, weightDecay, decoupledWeightDecay, initialAccumulator, lrDecay, maximize)',
  },
];

describe('bad inputs get the exact message naming field, value and rule', () => {
  const service = new SweepService(inProcessExecutor());
  const written: string[] = [];
  // An export that got past validation would open its file here (and be declined): nothing may get that far.
  const handlers = createHandlers(
    service,
    new ExportSessions(inProcessExecutor(), async (_exportId, suggestedName) => (written.push(suggestedName), null)),
  );
  const launched: string[] = [];
  service.onEvent((event) => launched.push(event.type));
  afterAll(() => service.idle());

  it.each(rows)('$handler refuses $desc', async ({ handler, input, expectedMessage }) => {
    const heapBefore = process.memoryUsage().heapUsed;
    const result = await handlers[handler](input);
    expect(result).toEqual({ ok: false, error: { code: 'invalid-input', message: expectedMessage } });
    // Refusing held no copy of the input: a flattened 1 GB string would show here as 512 MB or more.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    // Nothing ran, nothing was written, and no prototype was touched.
    expect(launched).toEqual([]);
    expect(written).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('covers every kind of bad input the issue lists', () => {
    const kinds = [
      'NaN',
      'nfinit',
      'negative',
      '10',
      'text|boolean|list|number|null',
      'without',
      'extra',
      '10⁹',
      '1 GB',
      '__proto__|constructor|prototype',
    ];
    for (const kind of kinds)
      expect(
        rows.some((row) => new RegExp(kind).test(row.desc)),
        kind,
      ).toBe(true);
    console.log(`bad-inputs: ${rows.length} hand-written rows`);
  });
});
