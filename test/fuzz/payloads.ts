/**
 * The payloads each request takes, shared by the IPC and socket fuzz tests: valid ones, ones a mutation away from
 * valid, and anything; and the oracle, what the shared schema says of a payload, that a handler's answer must match.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Result } from '../../src-core/contract/result';
import { AcknowledgeSchema, ExportEndSchema, ExportPageSchema, ExportStartSchema, ResumeSchema, SweepIdSchema, validate, WorkerThreadsSchema } from '../../src-core/contract/schemas';
import { validateSweepSpec } from '../../src-core/sweep/expand';
import type { MethodName } from '../../src-core/contract/methods';
import { anyPayload, mutated, validSpec } from './arbitraries';

/** What the shared schema says of a payload: the oracle the handler's answer must agree with. */
const schemaAccepts: Record<MethodName, (payload: unknown) => boolean> = {
  launchSweep: (p) => validateSweepSpec(p).ok,
  acknowledge: (p) => validate(AcknowledgeSchema, p).ok,
  resendPending: () => true,
  cancelSweep: (p) => validate(SweepIdSchema, p).ok,
  resumeSweep: (p) => validate(ResumeSchema, p).ok && validateSweepSpec((p as { spec: unknown }).spec).ok,
  startExport: (p) => validate(ExportStartSchema, p).ok,
  writeExport: (p) => validate(ExportPageSchema, p).ok,
  finishExport: (p) => validate(ExportEndSchema, p).ok,
  workerThreads: (p) => validate(WorkerThreadsSchema, p).ok,
};

/** A payload for a channel: a valid one, one mutation from valid, or anything. */
export const payloadFor = (name: MethodName): fc.Arbitrary<unknown> => {
  const valid: Record<MethodName, fc.Arbitrary<unknown>> = {
    launchSweep: validSpec,
    acknowledge: fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }),
    resendPending: fc.constant(undefined),
    cancelSweep: fc.uuid(),
    resumeSweep: fc.record({ sweepId: fc.uuid(), createdAt: fc.nat(), spec: validSpec, storedRunIds: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }) }),
    startExport: fc.record({ kind: fc.constantFrom('summary', 'traces'), suggestedName: fc.constantFrom('runs.csv', 'é.csv'), everyStep: fc.boolean() }),
    writeExport: fc.record({ exportId: fc.uuid(), runs: fc.constant([]) }),
    finishExport: fc.record({ exportId: fc.uuid(), abort: fc.boolean() }),
    workerThreads: fc.record({ threads: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 300 })) }),
  };
  return fc.oneof(valid[name], mutated(valid[name]).map((m) => m.payload), anyPayload);
};


/**
 * A handler accepted exactly what its schema accepts. The refusals the schema cannot foresee depend on the state:
 * a resume of a sweep the service is still running, and a page or end of an export that is not open (the fuzzed
 * exports are declined at their start, as a cancelled save dialog does, so none is ever open).
 */
const stateRefusals = ['Invalid sweep to resume: ', 'Invalid export id: ', 'Invalid export request: '];

export function expectAgreesWithSchema(name: MethodName, payload: unknown, result: Result<unknown>): void {
  if (!result.ok && stateRefusals.some((start) => result.error.message.startsWith(start))) return;
  expect(result.ok, `${name}: accepted must equal schema-valid (${result.ok ? 'accepted' : result.error.message})`).toBe(schemaAccepts[name](payload));
}
