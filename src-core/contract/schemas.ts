/**
 * The schemas of the transport's own messages, and `validate`, which every boundary uses so that main and renderer
 * refuse the same things with the same words. Messages follow PyTorch's: they name the field, the value and what is
 * allowed. Sweep specs: sweep-spec.ts and src-core/sweep/expand.ts (validateSweepSpec).
 */
import * as v from 'valibot';
import { AnnotationLimits } from './annotations';
import { exportKinds, type ExportEnd, type ExportPage, type ExportStart } from './api';
import { show } from './show';
import { RunConfigSchema, SweepLimits, SweepSpecSchema } from './sweep-spec';
import { wholeNumber } from './fields';
import type { DivergedIn, RunStatus, SweepSpec } from './types';

/** Limits of the messages themselves (sweep limits live in sweep-spec.ts). */
export const Limits = {
  maxIdLength: 200,
  /** Ranges of stored runs one acknowledgement names: a write stores a few thousand runs at most, in few ranges. */
  maxRangesPerAck: 10_000,
  maxRunIdsPerResume: 1_000_000,
  maxFileNameLength: 200,
  maxExportIdLength: 100,
  /** Worker threads one may ask for; the pool's own size is the real bound (the service clamps to it). */
  maxWorkerThreads: 256,
  /** Runs per export page: a page of full configs and summaries stays well under a megabyte per thousand runs. */
  maxRunsPerExportPage: 5000,
  /** A Redis URL: host, port, database and credentials fit in far less. */
  maxRedisUrlLength: 2000,
  /** A queue name (src-main/agents/redis-url.ts checks what it may hold). */
  maxQueueNameLength: 64,
} as const;

/**
 * Text of at most `max` characters. The length is checked before anything else reads the text, so an overlong string
 * is refused without being copied (see show.ts).
 */
const text = (label: string, max: number) =>
  v.pipe(
    v.string((issue) => `Invalid ${label}: ${show(issue.input)} (must be text)`),
    v.maxLength(max, (issue) => `Invalid ${label}: ${show(issue.input)} (must be at most ${max} characters)`),
  );

const idList = (max: number) =>
  v.pipe(
    v.array(
      text('run id', Limits.maxIdLength),
      (issue) => `Invalid run id list: ${show(issue.input)} (must be a list of run ids)`,
    ),
    v.maxLength(max, (issue) => `Invalid run id list: ${issue.input.length} ids (must be at most ${max})`),
  );

const article = (label: string): string => (/^[aeiou]/.test(label) ? 'an' : 'a');

const notAnObject = (label: string, input: unknown): string => `Invalid ${label}: ${show(input)} (must be an object)`;

/** The message of a strict object named `label`: an unknown key and a missing one are named (validate adds the path). */
const strictMessage =
  (label: string) =>
  (issue: v.StrictObjectIssue): string =>
    !issue.path
      ? notAnObject(label, issue.input)
      : issue.expected === 'never'
        ? `Unknown field: ${show(issue.input)} is not part of ${article(label)} ${label}`
        : `Missing field: ${article(label)} ${label} needs it`;

/**
 * A strict object named `label` in its messages: an unknown key and a missing one are named (validate adds the path).
 * A list is refused first: valibot's object schemas take arrays for objects and would then report a missing key.
 */
export const strictRequest = <E extends v.ObjectEntries>(label: string, entries: E) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => !Array.isArray(x),
      (issue) => notAnObject(label, issue.input),
    ),
    v.strictObject(entries, strictMessage(label)),
  );

export const SweepIdSchema = text('sweep id', Limits.maxIdLength);

/** Runs [from, to) of a sweep, stored by the window. */
const StoredRangeSchema = v.pipe(
  strictRequest('stored range', {
    sweepId: SweepIdSchema,
    from: wholeNumber('range start', 0, SweepLimits.maxRunsCeiling - 1),
    to: wholeNumber('range end', 1, SweepLimits.maxRunsCeiling),
  }),
  v.check(
    ({ from, to }) => from < to,
    (issue) => `Invalid stored range: ${issue.input.from} to ${issue.input.to} (the end must be after the start)`,
  ),
);

export const AcknowledgeSchema = v.pipe(
  v.array(StoredRangeSchema, (issue) => `Invalid stored ranges: ${show(issue.input)} (must be a list of ranges)`),
  v.maxLength(
    Limits.maxRangesPerAck,
    (issue) => `Invalid stored ranges: ${issue.input.length} ranges (must be at most ${Limits.maxRangesPerAck})`,
  ),
);

/** The spec itself is validated by validateSweepSpec, like any launch. */
export const ResumeSchema = strictRequest('resume request', {
  sweepId: SweepIdSchema,
  createdAt: v.pipe(
    v.unknown(),
    v.check(
      (x) => typeof x === 'number' && Number.isFinite(x),
      (issue) => `Invalid creation time: ${show(issue.input)} (must be a finite number)`,
    ),
    v.transform((x) => x as number),
  ),
  spec: v.unknown(),
  storedRunIds: idList(Limits.maxRunIdsPerResume),
});

/**
 * A file name offered to the save dialog or the download: one plain name, no folders, nothing a file system refuses,
 * not hidden (a leading dot), and no invisible format characters (U+202E turns "runs\u202evsc.exe" into what reads as
 * "runsexe.csv"; zero-width and isolate characters disguise names the same way).
 */
const FileNameSchema = v.pipe(
  text('file name', Limits.maxFileNameLength),
  v.regex(
    /^(?!\.)[^/\\:*?"<>|\p{Cc}\p{Cf}]+$/u,
    (issue) =>
      `Invalid file name: ${show(issue.input)} (must not be empty, start with a dot, or contain / \\ : * ? " < > |, control characters or invisible format characters such as U+202E)`,
  ),
);

export const flag = (label: string) =>
  v.boolean((issue) => `Invalid ${label}: ${show(issue.input)} (must be true or false)`);

const ExportIdSchema = text('export id', Limits.maxExportIdLength);

export const ExportStartSchema = strictRequest('export request', {
  kind: v.picklist(
    exportKinds,
    (issue) => `Invalid export kind: ${show(issue.input)} (must be one of ${exportKinds.join(', ')})`,
  ),
  suggestedName: FileNameSchema,
  everyStep: flag('every-step choice'),
});

/** A number as a run computed it: NaN and ±Infinity are results (a diverged loss), not errors. */
const computed = (label: string) =>
  v.custom<number>(
    (x) => typeof x === 'number',
    (issue) => `Invalid ${label}: ${show(issue.input)} (must be a number)`,
  );
const step = (label: string) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => Number.isSafeInteger(x) && (x as number) >= 0,
      (issue) => `Invalid ${label}: ${show(issue.input)} (must be a whole number >= 0)`,
    ),
    v.transform((x) => x as number),
  );

/** Keyed by every RunStatus and DivergedIn, so the compiler refuses these lists when the types gain a member. */
const runStatuses = Object.keys({ completed: true, converged: true, diverged: true, failed: true } satisfies Record<
  RunStatus,
  true
>) as RunStatus[];
const divergedIns = Object.keys({ accumulator: true, parameters: true, loss: true } satisfies Record<
  DivergedIn,
  true
>) as DivergedIn[];

export const RunSummarySchema = strictRequest('run summary', {
  status: v.picklist(
    runStatuses,
    (issue) => `Invalid run status: ${show(issue.input)} (must be one of ${runStatuses.join(', ')})`,
  ),
  finalLoss: computed('final loss'),
  bestLoss: computed('best loss'),
  bestStep: step('best step'),
  stepsToTolerance: v.nullable(step('steps to tolerance')),
  divergedAt: v.nullable(step('divergence step')),
  divergedIn: v.nullable(
    v.picklist(
      divergedIns,
      (issue) => `Invalid divergence cause: ${show(issue.input)} (must be one of ${divergedIns.join(', ')})`,
    ),
  ),
  error: v.optional(text('error', 10_000)),
});

/**
 * What the renderer lets a person type (src-renderer/lib/state/annotations.ts: trimmed, no control characters, each tag
 * once), checked again wherever annotations arrive from outside: an export page, an imported file.
 */
const CONTROL = /\p{Cc}/u;
const typed = (x: string): boolean => x.trim() === x && !CONTROL.test(x);
const TagSchema = v.pipe(
  text('tag', AnnotationLimits.maxTagLength),
  v.check(
    (tag) => tag !== '' && typed(tag),
    (issue) =>
      `Invalid tag: ${show(issue.input)} (must have 1 to ${AnnotationLimits.maxTagLength} characters, no leading or trailing spaces, tabs, line breaks or other control characters)`,
  ),
);

export const RunAnnotationsSchema = strictRequest('run annotations', {
  tags: v.pipe(
    v.array(TagSchema, (issue) => `Invalid tag list: ${show(issue.input)} (must be a list of tags)`),
    v.maxLength(
      AnnotationLimits.maxTagsPerRun,
      (issue) => `Invalid tag list: ${issue.input.length} tags (must be at most ${AnnotationLimits.maxTagsPerRun})`,
    ),
    v.check(
      (tags) => new Set(tags).size === tags.length,
      (issue) =>
        `Invalid tag list: ${show(issue.input.find((tag, i) => issue.input.indexOf(tag) !== i))} appears twice (each tag once)`,
    ),
  ),
  starred: flag('star'),
  note: v.pipe(
    text('note', AnnotationLimits.maxNoteLength),
    v.check(
      typed,
      (issue) =>
        `Invalid note: ${show(issue.input)} (must have no leading or trailing spaces, tabs, line breaks or other control characters)`,
    ),
  ),
});

/** A sweep a Runs JSON export holds: its spec's structure is checked here; the file's reader validates it whole. */
const ExportSweepSchema = strictRequest('export sweep', {
  id: text('sweep id', Limits.maxIdLength),
  name: text('sweep name', SweepLimits.maxNameLength),
  spec: v.pipe(
    SweepSpecSchema,
    v.transform((spec) => spec as SweepSpec),
  ),
});

export const ExportPageSchema = strictRequest('export page', {
  exportId: ExportIdSchema,
  runs: v.pipe(
    v.array(
      strictRequest('export run', {
        config: RunConfigSchema,
        summary: RunSummarySchema,
        sweepName: text('sweep name', SweepLimits.maxNameLength),
        annotations: v.optional(RunAnnotationsSchema),
      }),
      (issue) => `Invalid export page runs: ${show(issue.input)} (must be a list)`,
    ),
    v.maxLength(
      Limits.maxRunsPerExportPage,
      (issue) => `Invalid export page: ${issue.input.length} runs (must be at most ${Limits.maxRunsPerExportPage})`,
    ),
  ),
  sweeps: v.optional(
    v.pipe(
      v.array(ExportSweepSchema, (issue) => `Invalid export page sweeps: ${show(issue.input)} (must be a list)`),
      v.maxLength(
        Limits.maxRunsPerExportPage,
        (issue) =>
          `Invalid export page: ${issue.input.length} sweeps (must be at most ${Limits.maxRunsPerExportPage}, one per run)`,
      ),
    ),
  ),
});

export const WorkerThreadsSchema = strictRequest('worker-threads request', {
  threads: v.nullable(
    v.pipe(
      v.unknown(),
      v.check(
        (x) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= Limits.maxWorkerThreads,
        (issue) =>
          `Invalid worker threads: ${show(issue.input)} (must be a whole number from 1 to ${Limits.maxWorkerThreads}, or null to read)`,
      ),
      v.transform((x) => x as number),
    ),
  ),
});

/**
 * A Redis URL, checked here for its shape only: src-main/agents/redis-url.ts parses it (in the main process, which
 * connects with it). Its messages never quote it, as it may hold a password.
 */
const RedisUrlSchema = v.pipe(
  v.string(
    (issue) => `Invalid Redis URL: ${typeof issue.input} (must be text: redis://[user:password@]host[:port][/db])`,
  ),
  v.maxLength(
    Limits.maxRedisUrlLength,
    (issue) => `Invalid Redis URL: ${issue.input.length} characters (must be at most ${Limits.maxRedisUrlLength})`,
  ),
);
const QueueNameSchema = v.optional(text('queue name', Limits.maxQueueNameLength));

export const RedisTestSchema = strictRequest('Redis test request', { url: RedisUrlSchema, queue: QueueNameSchema });

const executorPlaces = ['this-computer', 'agents'] as const;

/** null reads the setting; otherwise where sweeps run, with the Redis URL (and queue) for agents. */
export const SweepExecutorSchema = v.nullable(
  v.pipe(
    v.unknown(),
    v.check(
      (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
      (issue) => notAnObject('sweep executor choice', issue.input),
    ),
    v.check(
      (x) => executorPlaces.includes((x as { on?: unknown }).on as (typeof executorPlaces)[number]),
      (issue) =>
        `Invalid place to run sweeps: ${show((issue.input as { on?: unknown }).on)} (must be one of ${executorPlaces.join(', ')})`,
    ),
    v.variant('on', [
      v.strictObject({ on: v.literal('this-computer') }, strictMessage('sweep executor choice')),
      v.strictObject(
        { on: v.literal('agents'), url: RedisUrlSchema, queue: QueueNameSchema },
        strictMessage('sweep executor choice'),
      ),
    ]),
  ),
);

export const ExportEndSchema = strictRequest('export end', { exportId: ExportIdSchema, abort: flag('abort choice') });

/** The refusal of an input holding a string at V8's maximum length, which valibot cannot report on (see firstIssue). */
export const TOO_LONG_TO_READ =
  'Invalid input: a text as long as JavaScript strings go (2²⁹ characters; no field allows more than 268435456)';

/**
 * valibot's safeParse, or null for an input it cannot read: valibot quotes a refused string into its issue, and for a
 * string at V8's maximum length (2²⁹−24 characters) that concatenation throws RangeError.
 */
function safeParse<S extends v.GenericSchema>(schema: S, input: unknown): v.SafeParseResult<S> | null {
  try {
    return v.safeParse(schema, input, { abortPipeEarly: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return null;
  }
}

/**
 * The first issue `schema` finds in `input`, or null when it passes (then `output` holds the parsed value). Never
 * throws: an input too long to quote is refused as a whole.
 */
function firstIssue<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { issue: null; output: v.InferOutput<S> } | { issue: { message: string; path: string | null } } {
  const parsed = safeParse(schema, input);
  if (!parsed) return { issue: { message: TOO_LONG_TO_READ, path: null } };
  if (parsed.success) return { issue: null, output: parsed.output };
  const issue = parsed.issues[0];
  return { issue: { message: issue.message, path: v.getDotPath(issue) } };
}

/** Every issue `schema` finds in `input`, each with its path (null for the input as a whole): a form marks them all at once. */
export function everyIssue(schema: v.GenericSchema, input: unknown): { message: string; path: string | null }[] {
  const parsed = safeParse(schema, input);
  if (!parsed) return [{ message: TOO_LONG_TO_READ, path: null }];
  return (parsed.issues ?? []).map((issue) => ({ message: issue.message, path: v.getDotPath(issue) }));
}

/** Validates `input`; on failure the message names the field path and what is wrong. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; message: string } {
  const result = firstIssue(schema, input);
  if (!result.issue) return { ok: true, value: result.output };
  const { path, message } = result.issue;
  return { ok: false, message: path ? `${path}: ${message}` : message };
}

// The export schemas' output is exactly the contract's types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _startMatches: Same<v.InferOutput<typeof ExportStartSchema>, ExportStart> = true;
const _pageMatches: Same<v.InferOutput<typeof ExportPageSchema>, ExportPage> = true;
const _endMatches: Same<v.InferOutput<typeof ExportEndSchema>, ExportEnd> = true;
