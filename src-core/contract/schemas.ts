/**
 * The schemas of the transport's own messages, and `validate`, which every boundary uses so that main and renderer
 * refuse the same things with the same words. Messages follow PyTorch's: they name the field, the value and what is
 * allowed. Sweep specs: sweep-spec.ts and src-core/sweep.ts (validateSweepSpec).
 */
import * as v from 'valibot';
import { show } from './show';

/** Limits of the messages themselves (sweep limits live in sweep-spec.ts). */
export const Limits = {
  maxIdLength: 200,
  maxRunIdsPerAck: 100_000,
  maxRunIdsPerResume: 1_000_000,
  maxFileNameLength: 200,
  maxFileChars: 256 * 1024 * 1024,
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
    v.array(text('run id', Limits.maxIdLength), (issue) => `Invalid run id list: ${show(issue.input)} (must be a list of run ids)`),
    v.maxLength(max, (issue) => `Invalid run id list: ${issue.input.length} ids (must be at most ${max})`),
  );

const notAnObject = (label: string, input: unknown): string => `Invalid ${label}: ${show(input)} (must be an object)`;

/**
 * A strict object named `label` in its messages: an unknown key and a missing one are named (validate adds the path).
 * A list is refused first: valibot's object schemas take arrays for objects and would then report a missing key.
 */
const strictRequest = <E extends v.ObjectEntries>(label: string, entries: E) =>
  v.pipe(
    v.unknown(),
    v.check((x) => !Array.isArray(x), (issue) => notAnObject(label, issue.input)),
    v.strictObject(entries, (issue) =>
      !issue.path
        ? notAnObject(label, issue.input)
        : issue.expected === 'never'
          ? `Unknown field: ${show(issue.input)} is not part of a ${label}`
          : `Missing field: a ${label} needs it`,
    ),
  );

export const AcknowledgeSchema = idList(Limits.maxRunIdsPerAck);

export const SweepIdSchema = text('sweep id', Limits.maxIdLength);

/** The spec itself is validated by validateSweepSpec, like any launch. */
export const ResumeSchema = strictRequest('resume request', {
  sweepId: SweepIdSchema,
  createdAt: v.pipe(
    v.unknown(),
    v.check((x) => typeof x === 'number' && Number.isFinite(x), (issue) => `Invalid creation time: ${show(issue.input)} (must be a finite number)`),
    v.transform((x) => x as number),
  ),
  spec: v.unknown(),
  storedRunIds: idList(Limits.maxRunIdsPerResume),
});

export const SaveFileSchema = strictRequest('save-file request', {
  suggestedName: v.pipe(
    text('file name', Limits.maxFileNameLength),
    v.regex(/^[^/\\:*?"<>|\0]+$/, (issue) => `Invalid file name: ${show(issue.input)} (must not be empty or contain / \\ : * ? " < > |)`),
  ),
  content: text('file content', Limits.maxFileChars),
});

/** The refusal of an input holding a string at V8's maximum length, which valibot cannot report on (see firstIssue). */
export const TOO_LONG_TO_READ =
  'Invalid input: a text as long as JavaScript strings go (2²⁹ characters; no field allows more than 268435456)';

/**
 * The first issue `schema` finds in `input`, or null when it passes (then `output` holds the parsed value). Never
 * throws: valibot quotes a refused string into its issue, and for a string at V8's maximum length (2²⁹−24
 * characters) that concatenation throws RangeError; such an input is refused as a whole.
 */
export function firstIssue<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { issue: null; output: v.InferOutput<S> } | { issue: { message: string; path: string | null; key: unknown } } {
  let parsed: v.SafeParseResult<S>;
  try {
    parsed = v.safeParse(schema, input, { abortPipeEarly: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { issue: { message: TOO_LONG_TO_READ, path: null, key: null } };
  }
  if (parsed.success) return { issue: null, output: parsed.output };
  const issue = parsed.issues[0];
  return { issue: { message: issue.message, path: v.getDotPath(issue), key: issue.path?.[0]?.key } };
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
