/**
 * Fuzzing the shared contract: validateSweepSpec and every schema in src-core/contract, with random values and with
 * valid payloads one mutation away from valid. Nothing throws; every refusal is a clear message naming its field;
 * everything accepted is within bounds (an accepted sweep expands to exactly its counted runs, each one a config the
 * engine's own schemas accept).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectiveConfigSchema, ObjectiveLimits } from '../../src-core/contract/objective-schema';
import {
  AdagradConfigSchema,
  AdamConfigSchema,
  OptimizerConfigSchema,
  RmspropConfigSchema,
  SgdConfigSchema,
} from '../../src-core/contract/optimizer-schema';
import {
  AcknowledgeSchema,
  ExportEndSchema,
  ExportPageSchema,
  ExportStartSchema,
  Limits,
  ResumeSchema,
  SweepIdSchema,
  validate,
} from '../../src-core/contract/schemas';
import { AxisSchema, SweepLimits, SweepSpecSchema, type SweepSpec } from '../../src-core/contract/sweep-spec';
import { nesterovMessage } from '../../src-core/optim/rules';
import { executeRun } from '../../src-core/run/execute';
import { objectiveDimension } from '../../src-core/objectives';
import { countRuns, expandSweep, validateSweepSpec } from '../../src-core/sweep/expand';
import { adagradRun } from '../helpers/configs';
import {
  anyPayload,
  FUZZ_SEED,
  FUZZ_TIMEOUT_MS,
  mutated,
  validObjective,
  validOptimizerConfig,
  validSpec,
  type Mutation,
} from './arbitraries';
import { expectClearMessage, pathOf, Tally } from './oracle';

const tally = new Tally();

/** One run as an export page carries it: a run the engine computed, with its sweep's name and a person's tags. */
const computedRun = executeRun(adagradRun({ lr: 0.5 }));
const exportRun = {
  config: computedRun.config,
  summary: computedRun.summary,
  sweepName: 'lr sweep',
  annotations: { tags: ['a'], starred: true, note: 'n' },
};
afterAll(() => tally.print());

/** An accepted spec must lie within every limit, and expand to exactly the runs it counts, each valid on its own. */
function expectWithinBounds(spec: SweepSpec): void {
  const runs = countRuns(spec);
  expect(runs).toBeGreaterThan(0);
  expect(runs).toBeLessThanOrEqual(spec.maxRuns);
  expect(spec.maxRuns).toBeLessThanOrEqual(SweepLimits.maxRunsCeiling);
  expect(spec.steps).toBeGreaterThanOrEqual(1);
  expect(spec.steps).toBeLessThanOrEqual(SweepLimits.maxSteps);
  expect(spec.name.length).toBeLessThanOrEqual(SweepLimits.maxNameLength);
  if (runs > 300) return; // counted, not expanded: the fuzz suite stays fast
  const configs = expandSweep('fuzz', spec);
  expect(configs).toHaveLength(runs);
  expect(new Set(configs.map((c) => c.id)).size).toBe(runs);
  for (const config of configs) {
    expect(validate(ObjectiveConfigSchema, config.objective)).toMatchObject({ ok: true });
    const optimizer = validate(OptimizerConfigSchema, config.optimizer);
    // The one rule across two hyperparameters is checked along the axes only (see validateSweepSpec); a run that breaks it fails alone.
    if (!optimizer.ok) expect(optimizer.message).toBe(nesterovMessage);
    if (config.start)
      expect(config.start.every(Number.isFinite) && config.start.length === objectiveDimension(config.objective)).toBe(
        true,
      );
    expect(config.traceMaxPoints).toBeGreaterThanOrEqual(SweepLimits.minTracePoints);
    expect(config.traceMaxPoints).toBeLessThanOrEqual(SweepLimits.maxTracePoints);
    expect(config.tolerance === null || Number.isFinite(config.tolerance)).toBe(true);
  }
}

const related = (a: string, b: string): boolean =>
  a === '' || b === '' || a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
/** Refusals that are about several fields at once, so they need not name the one that was mutated. */
const CROSS_FIELD =
  /^(?:start: Invalid start point: \d+ coordinate|Invalid sweep size: )| draws values at random, so it needs a random search /;

describe('validateSweepSpec', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('never throws on random input, and refuses it clearly', () => {
    fc.assert(
      fc.property(anyPayload, (input) => {
        const result = validateSweepSpec(input);
        tally.record('validateSweepSpec, random input', result.ok);
        if (result.ok) expectWithinBounds(result.value);
        else expectClearMessage(result.message, 'validateSweepSpec');
      }),
      { numRuns: 3000, seed: FUZZ_SEED },
    );
  });

  it('refuses a valid spec with one bad field by that field, and accepts only specs within bounds', () => {
    fc.assert(
      fc.property(mutated(validSpec), ({ path, kind, payload }: Mutation) => {
        const result = validateSweepSpec(payload);
        tally.record('validateSweepSpec, one mutation from valid', result.ok);
        if (kind === 'none') expect(result).toMatchObject({ ok: true });
        if (result.ok) return expectWithinBounds(result.value);
        expectClearMessage(result.message, `${kind} ${path}`);
        const named = pathOf(result.message);
        expect(
          related(named, path) || CROSS_FIELD.test(result.message),
          `mutated ${path}, refused as ${result.message}`,
        ).toBe(true);
      }),
      { numRuns: 5000, seed: FUZZ_SEED },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Every schema of the contract with a valid example to mutate and what its accepted output must satisfy. */
const schemas = [
  {
    name: 'ObjectiveConfigSchema',
    schema: ObjectiveConfigSchema,
    valid: validObjective,
    bounded: (o: Record<string, number>) => !('dim' in o) || o.dim <= ObjectiveLimits.maxDim,
  },
  {
    name: 'OptimizerConfigSchema',
    schema: OptimizerConfigSchema,
    valid: validOptimizerConfig,
    bounded: (o: Record<string, number>) => Object.values(o).every((x) => typeof x !== 'number' || Number.isFinite(x)),
  },
  ...[AdagradConfigSchema, SgdConfigSchema, RmspropConfigSchema, AdamConfigSchema].map((schema, i) => ({
    name: ['AdagradConfigSchema', 'SgdConfigSchema', 'RmspropConfigSchema', 'AdamConfigSchema'][i],
    schema,
    valid: validOptimizerConfig.filter((c) => c.kind === ['adagrad', 'sgd', 'rmsprop', 'adam'][i]),
    bounded: (o: Record<string, number>) => Object.values(o).every((x) => typeof x !== 'number' || Number.isFinite(x)),
  })),
  {
    name: 'AxisSchema',
    schema: AxisSchema,
    valid: fc.constantFrom(
      { values: [0.1, 1] },
      { log: { from: 1e-3, to: 1, count: 4 } },
      { uniform: { from: 0, to: 1 } },
    ),
    bounded: () => true,
  },
  {
    name: 'SweepSpecSchema',
    schema: SweepSpecSchema,
    valid: validSpec,
    bounded: (s: { name: string }) => s.name.length <= SweepLimits.maxNameLength,
  },
  {
    name: 'AcknowledgeSchema',
    schema: AcknowledgeSchema,
    valid: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    bounded: (ids: string[]) => ids.every((id) => id.length <= Limits.maxIdLength),
  },
  {
    name: 'SweepIdSchema',
    schema: SweepIdSchema,
    valid: fc.uuid(),
    bounded: (id: string) => id.length <= Limits.maxIdLength,
  },
  {
    name: 'ResumeSchema',
    schema: ResumeSchema,
    valid: fc.record({
      sweepId: fc.uuid(),
      createdAt: fc.nat(),
      spec: validSpec,
      storedRunIds: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    }),
    bounded: (r: { createdAt: number }) => Number.isFinite(r.createdAt),
  },
  {
    name: 'ExportStartSchema',
    schema: ExportStartSchema,
    valid: fc.record({
      kind: fc.constantFrom('summary', 'traces'),
      suggestedName: fc.constantFrom('runs.csv', 'a b.csv'),
      everyStep: fc.boolean(),
    }),
    bounded: (f: { suggestedName: string }) =>
      !/^\.|[/\\:*?"<>|\p{Cc}\p{Cf}]/u.test(f.suggestedName) && f.suggestedName.length > 0,
  },
  {
    name: 'ExportPageSchema',
    schema: ExportPageSchema,
    valid: fc.record({ exportId: fc.uuid(), runs: fc.constant([exportRun]) }),
    bounded: (p: { runs: unknown[] }) => p.runs.length <= Limits.maxRunsPerExportPage,
  },
  {
    name: 'ExportEndSchema',
    schema: ExportEndSchema,
    valid: fc.record({ exportId: fc.uuid(), abort: fc.boolean() }),
    bounded: (e: { exportId: string }) => e.exportId.length <= Limits.maxExportIdLength,
  },
] as {
  name: string;
  schema: Parameters<typeof validate>[0];
  valid: fc.Arbitrary<unknown>;
  bounded: (output: never) => boolean;
}[];

describe.each(schemas)('$name', { timeout: FUZZ_TIMEOUT_MS }, ({ name, schema, valid, bounded }) => {
  it('never throws, refuses clearly, and accepts only what is within bounds', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyPayload,
          mutated(valid).map((m) => m.payload),
        ),
        (input) => {
          const result = validate(schema, input);
          tally.record(name, result.ok);
          if (result.ok) expect(bounded(result.value as never), JSON.stringify(result.value)).toBe(true);
          else expectClearMessage(result.message, name);
        },
      ),
      { numRuns: 1000, seed: FUZZ_SEED },
    );
  });
});
