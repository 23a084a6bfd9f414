/**
 * What crosses Redis is checked at both ends, because anyone who can write to the lab's Redis can write a task or a
 * result (docs/agents.md). An agent runs only a task the lab could have sent: its spec passes validateSweepSpec, its
 * runs lie in the sweep, and it has no field the lab never sends (`spent`, the pool's own buffers). The lab takes
 * only results that are its task's: the runs [from, to) in consecutive parts, each column of the length its runs
 * need, every status a status and every trace inside its buffer. Before, an agent ran whatever decoded (a spec of 10¹²
 * steps, a billion-run range), and a result key that did not decode left the lab's task unsettled for ever.
 * What neither end can tell is a result forged in the right shape: keeping strangers out of Redis is the defence.
 */
import * as v from 'valibot';
import { SweepLimits } from '../../src-core/contract/sweep-spec';
import { flag, strictRequest, SweepIdSchema, validate } from '../../src-core/contract/schemas';
import { formatCount, wholeNumber } from '../../src-core/contract/fields';
import { show } from '../../src-core/contract/show';
import { countRuns, validateSweepSpec } from '../../src-core/sweep/expand';
import { compactTraceBytes } from '../../src-core/run/compact-trace';
import { SHAPE_WIDTH, shapeAt, SUMMARY_WIDTH } from '../../src-core/run/result-batch';
import type { ResultBatch } from '../../src-core/contract/types';
import type { EncodedResults } from '../workers/batch-codec';
import { rangeConfigs, type RangeTask } from '../workers/range-task';
import { estimatedTraceBytes } from '../batch-sizer';

/** The largest part a task may ask for: the SweepService asks for 768 kB; a part is one WebSocket message. */
const MAX_PART_BYTES = 1 << 30;
/**
 * The most runs a task may hold, and the most trace bytes a task of more than one run may keep: 16× and ~3× the lab's
 * largest (the command line's summary batches of 4,096 runs, its trace batches of ~88 MB: export/ordered-runs.ts; the
 * SweepService's are 2,000 runs and 16 MB). A forged task of a whole 1,000,000-run sweep with traces, valid in every
 * field, grew an agent to 3.7 GB in 55 s before failing with "Invalid typed array length".
 */
export const MAX_TASK_RUNS = 65_536;
export const MAX_TASK_TRACE_BYTES = 256 * 1024 * 1024;

const RangeTaskSchema = strictRequest('task', {
  // Printed in the agent's log: an escape sequence would drive the terminal that shows it.
  sweepId: v.pipe(
    SweepIdSchema,
    v.check(
      (id) => !/[\p{Cc}\p{Cf}]/u.test(id),
      (issue) => `Invalid sweep id: ${show(issue.input)} (must not contain control or invisible format characters)`,
    ),
  ),
  spec: v.unknown(),
  from: wholeNumber('range start', 0, SweepLimits.maxRunsCeiling - 1),
  to: wholeNumber('range end', 1, SweepLimits.maxRunsCeiling),
  everyStep: v.optional(flag('every-step choice')),
  traces: v.optional(flag('traces choice')),
  compact: v.optional(flag('float32 choice')),
  partBytes: v.optional(wholeNumber('part size', 1, MAX_PART_BYTES)),
  summaryRows: v.optional(strictRequest('summary rows request', { sweepName: v.string() })),
});

/** A decoded task as the lab sends one, or why it is not (field, value, what is allowed). */
export function checkTask(decoded: unknown): { ok: true; task: RangeTask } | { ok: false; message: string } {
  const shape = validate(RangeTaskSchema, decoded);
  if (!shape.ok) return shape;
  const spec = validateSweepSpec(shape.value.spec);
  if (!spec.ok) return { ok: false, message: `spec.${spec.message}` };
  const { from, to, summaryRows } = shape.value;
  const runs = countRuns(spec.value);
  if (!(from < to && to <= runs))
    return {
      ok: false,
      message: `Invalid range: runs ${from} to ${to} (must be a non-empty range within the sweep's ${runs} runs)`,
    };
  if (to - from > MAX_TASK_RUNS)
    return {
      ok: false,
      message: `Invalid task size: ${formatCount(to - from)} runs (must be at most ${formatCount(MAX_TASK_RUNS)}: the lab sends no larger task)`,
    };
  const task = { ...shape.value, spec: spec.value };
  const traceBytes = to - from > 1 && task.traces !== false ? tracesKept(task) : 0;
  if (traceBytes > MAX_TASK_TRACE_BYTES)
    return {
      ok: false,
      message: `Invalid task size: ${formatCount(to - from)} runs keeping up to ${formatCount(Math.ceil(traceBytes / 2 ** 20))} MiB of traces (must be at most ${formatCount(MAX_TASK_TRACE_BYTES / 2 ** 20)} MiB, or one run: the lab sends no larger task)`,
    };
  if (summaryRows && summaryRows.sweepName !== spec.value.name)
    return {
      ok: false,
      message: `summaryRows.sweepName: Invalid sweep name: ${show(summaryRows.sweepName)} (must be the spec's name)`,
    };
  return { ok: true, task };
}

/** The trace bytes a task's runs keep at most, as the lab sizes its tasks (estimatedTraceBytes). */
const tracesKept = (task: RangeTask): number =>
  rangeConfigs(task).computed.reduce((sum, config) => sum + estimatedTraceBytes(config), 0);

/** Why `part`'s columns cannot hold runs [part.from, part.to), or null when they can. */
function partProblem(part: ResultBatch, withTraces: boolean): string | null {
  const runs = part.to - part.from;
  if (part.summaries.length !== runs * SUMMARY_WIDTH) return `${part.summaries.length / SUMMARY_WIDTH} summaries`;
  for (let r = 0; r < runs; r++) {
    const status = part.summaries[r * SUMMARY_WIDTH];
    const divergedIn = part.summaries[r * SUMMARY_WIDTH + 6];
    if (!(Number.isInteger(status) && status >= 0 && status <= 3)) return `run ${r} has status code ${status}`;
    if (!Number.isNaN(divergedIn) && !(Number.isInteger(divergedIn) && divergedIn >= 0 && divergedIn <= 2))
      return `run ${r} has divergence place ${divergedIn}`;
  }
  if (!part.errors.every(([r, message]) => Number.isInteger(r) && r >= 0 && r < runs && typeof message === 'string'))
    return 'an error of a run outside it';
  if (part.shapes.length !== (withTraces ? runs * SHAPE_WIDTH : 0)) return `${part.shapes.length} shape values`;
  let end = 0;
  for (let r = 0; withTraces && r < runs; r++) {
    const h = r * SHAPE_WIDTH;
    const [at, rows, dim, width, layout, accumulator] = part.shapes.subarray(h, h + 6);
    const sane = at >= end && at % 8 === 0 && rows >= 0 && dim >= 1 && width >= 0 && layout <= 1 && layout >= 0;
    if (!sane || accumulator < 0 || accumulator > 1)
      return `run ${r}'s trace shape ${show([...part.shapes.subarray(h, h + SHAPE_WIDTH)])}`;
    end = at + compactTraceBytes(shapeAt(part.shapes, r), part.shapes[h + 6]);
    if (end > part.traces.byteLength)
      return `run ${r}'s trace past the end of the traces (${end} of ${part.traces.byteLength} bytes)`;
  }
  return null;
}

const isPart = (part: unknown): part is ResultBatch => {
  const p = part as Partial<ResultBatch> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    Number.isSafeInteger(p.from) &&
    Number.isSafeInteger(p.to) &&
    p.summaries instanceof Float64Array &&
    p.shapes instanceof Int32Array &&
    p.traces instanceof Uint8Array &&
    Array.isArray(p.errors) &&
    p.errors.every((error) => Array.isArray(error) && error.length === 2)
  );
};

/** The decoded results of `task`, as they must be to be taken for its runs, or why they are not. */
export function checkResults(
  decoded: unknown,
  task: RangeTask,
): { ok: true; results: EncodedResults } | { ok: false; message: string } {
  const refused = (why: string) => ({
    ok: false as const,
    message: `Refused the results of runs ${task.from} to ${task.to - 1}: ${why} (they must be this task's runs, as an agent computes them)`,
  });
  const results = decoded as Partial<EncodedResults> | null;
  if (typeof results !== 'object' || results === null || !Array.isArray(results.parts) || results.parts.length === 0)
    return refused('no parts of results');
  let next = task.from;
  for (const part of results.parts) {
    if (!isPart(part)) return refused('a part that is not columns of results');
    if (part.from !== next || !(part.to > part.from) || part.to > task.to)
      return refused(`a part of runs ${part.from} to ${part.to - 1} where run ${next} comes next`);
    const problem = partProblem(part, task.traces !== false);
    if (problem) return refused(`the part of runs ${part.from} to ${part.to - 1} has ${problem}`);
    next = part.to;
  }
  if (next !== task.to) return refused(`the parts end before run ${task.to - 1}`);
  const rows = results.summaryCsv;
  const wanted = task.summaryRows !== undefined;
  if (
    wanted !== (rows !== undefined) ||
    (rows && (!Array.isArray(rows) || !rows.every((row) => typeof row === 'string')))
  )
    return refused(wanted ? 'no summary rows as text' : 'summary rows it did not ask for');
  return { ok: true, results: results as EncodedResults };
}
