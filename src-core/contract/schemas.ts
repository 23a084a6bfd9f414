/**
 * The schemas of the transport's own messages, and `validate`, which every boundary uses so that main and renderer
 * refuse the same things with the same words. Messages follow PyTorch's: they name the field, the value and what is
 * allowed. Sweep specs: sweep-spec.ts and src-core/sweep.ts (validateSweepSpec).
 */
import * as v from 'valibot';

/** Limits of the messages themselves (sweep limits live in sweep-spec.ts). */
export const Limits = {
  maxRunIdsPerAck: 100_000,
  maxFileChars: 256 * 1024 * 1024,
} as const;

const runIdList = v.pipe(
  v.array(v.pipe(v.string('Invalid run id: must be text'), v.maxLength(200, 'Invalid run id: at most 200 characters'))),
  v.maxLength(Limits.maxRunIdsPerAck, `Invalid run id list: at most ${Limits.maxRunIdsPerAck} ids`),
);

export const AcknowledgeSchema = runIdList;

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

export const SaveFileSchema = v.strictObject({
  suggestedName: v.pipe(
    v.string('Invalid file name: must be text'),
    v.minLength(1, 'Invalid file name: must not be empty'),
    v.maxLength(200, 'Invalid file name: at most 200 characters'),
    v.regex(/^[^/\\:*?"<>|\0]+$/, 'Invalid file name: must not contain / \\ : * ? " < > |'),
  ),
  content: v.pipe(v.string('Invalid file content: must be text'), v.maxLength(Limits.maxFileChars, 'Invalid file content: too large')),
});

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
