/**
 * The schemas of the transport's own messages, and `validate`, which every boundary uses so that main and renderer
 * refuse the same things with the same words. Messages follow PyTorch's: they name the field, the value and what is
 * allowed. Sweep specs: sweep-spec.ts and src-core/sweep.ts (validateSweepSpec).
 */
import * as v from 'valibot';
import { exportKinds, type ExportEnd, type ExportPage, type ExportStart } from './api';
import { RunConfigSchema, strict, SweepLimits } from './sweep-spec';
import type { DivergedIn, RunStatus } from './types';

/** Limits of the messages themselves (sweep limits live in sweep-spec.ts). */
export const Limits = {
  maxRunIdsPerAck: 100_000,
  /** Runs per export page: a page of full configs and summaries stays well under a megabyte per thousand runs. */
  maxRunsPerExportPage: 5000,
} as const;

const runIdList = v.pipe(
  v.array(v.pipe(v.string('Invalid run id: must be text'), v.maxLength(200, 'Invalid run id: at most 200 characters'))),
  v.maxLength(Limits.maxRunIdsPerAck, `Invalid run id list: at most ${Limits.maxRunIdsPerAck} ids`),
);

export const AcknowledgeSchema = runIdList;

const ExportIdSchema = v.pipe(v.string('Invalid export id: must be text'), v.maxLength(100, 'Invalid export id: at most 100 characters'));

export const SweepIdSchema = v.pipe(v.string('Invalid sweep id: must be text'), v.maxLength(200, 'Invalid sweep id: at most 200 characters'));

/** The spec itself is validated by validateSweepSpec, like any launch. */
export const ResumeSchema = v.strictObject(
  {
    sweepId: SweepIdSchema,
    createdAt: v.pipe(v.number('Invalid creation time: must be a number'), v.finite('Invalid creation time: must be finite')),
    spec: v.unknown(),
    storedRunIds: v.pipe(
      v.array(v.pipe(v.string('Invalid run id: must be text'), v.maxLength(200, 'Invalid run id: at most 200 characters'))),
      v.maxLength(1_000_000, 'Invalid run id list: at most 1000000 ids'),
    ),
  },
  (issue) => `Invalid resume request: ${issue.input === undefined ? 'a field is missing' : 'unknown field'}`,
);

/** A file name offered to the save dialog or the download: one plain name, no folders, nothing a file system refuses. */
const FileNameSchema = v.pipe(
  v.string('Invalid file name: must be text'),
  v.minLength(1, 'Invalid file name: must not be empty'),
  v.maxLength(200, 'Invalid file name: at most 200 characters'),
  v.regex(/^[^/\\:*?"<>|]+$/, 'Invalid file name: must not contain / \\ : * ? " < > |'),
  v.check((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20), 'Invalid file name: must not contain control characters'),
);

export const ExportStartSchema = strict(
  {
    kind: v.picklist(exportKinds, (issue) => `Invalid export kind: ${JSON.stringify(issue.input)} (must be one of ${exportKinds.join(', ')})`),
    suggestedName: FileNameSchema,
    everyStep: v.boolean('Invalid every-step choice: must be true or false'),
  },
  'export request',
);

/** A number as a run computed it: NaN and ±Infinity are results (a diverged loss), not errors. */
const computed = (label: string) => v.custom<number>((x) => typeof x === 'number', `Invalid ${label}: must be a number`);
const step = (label: string) =>
  v.pipe(v.number(`Invalid ${label}: must be a step number`), v.integer(`Invalid ${label}: must be a whole number`), v.minValue(0, `Invalid ${label}: must be >= 0`));

/** Keyed by every RunStatus and DivergedIn, so the compiler refuses these lists when the types gain a member. */
const runStatuses = Object.keys({ completed: true, converged: true, diverged: true, failed: true } satisfies Record<RunStatus, true>) as RunStatus[];
const divergedIns = Object.keys({ accumulator: true, parameters: true, loss: true } satisfies Record<DivergedIn, true>) as DivergedIn[];

export const RunSummarySchema = strict(
  {
    status: v.picklist(runStatuses, (issue) => `Invalid run status: ${JSON.stringify(issue.input)} (must be one of ${runStatuses.join(', ')})`),
    finalLoss: computed('final loss'),
    bestLoss: computed('best loss'),
    bestStep: step('best step'),
    stepsToTolerance: v.nullable(step('steps to tolerance')),
    divergedAt: v.nullable(step('divergence step')),
    divergedIn: v.nullable(v.picklist(divergedIns, (issue) => `Invalid divergence cause: ${JSON.stringify(issue.input)} (must be one of ${divergedIns.join(', ')})`)),
    error: v.optional(v.pipe(v.string('Invalid error: must be text'), v.maxLength(10_000, 'Invalid error: at most 10000 characters'))),
  },
  'run summary',
);

export const ExportPageSchema = strict(
  {
    exportId: ExportIdSchema,
    runs: v.pipe(
      v.array(
        strict(
          {
            config: RunConfigSchema,
            summary: RunSummarySchema,
            sweepName: v.pipe(v.string('Invalid sweep name: must be text'), v.maxLength(SweepLimits.maxNameLength, `Invalid sweep name: at most ${SweepLimits.maxNameLength} characters`)),
          },
          'export run',
        ),
        'Invalid export page: runs must be a list',
      ),
      v.maxLength(Limits.maxRunsPerExportPage, `Invalid export page: at most ${Limits.maxRunsPerExportPage} runs`),
    ),
  },
  'export page',
);

export const ExportEndSchema = strict({ exportId: ExportIdSchema, abort: v.boolean('Invalid abort choice: must be true or false') }, 'export end');

/** Validates `input`; on failure the message names the field path and what is wrong. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; message: string } {
  const parsed = v.safeParse(schema, input, { abortPipeEarly: true });
  if (parsed.success) return { ok: true, value: parsed.output };
  const issue = parsed.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message };
}

// The export schemas' output is exactly the contract's types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _startMatches: Same<v.InferOutput<typeof ExportStartSchema>, ExportStart> = true;
const _pageMatches: Same<v.InferOutput<typeof ExportPageSchema>, ExportPage> = true;
const _endMatches: Same<v.InferOutput<typeof ExportEndSchema>, ExportEnd> = true;
