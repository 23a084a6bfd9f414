/**
 * The payloads each request takes, shared by the IPC and socket fuzz tests: valid ones, ones a mutation away from
 * valid, and anything; and the oracle, what the shared schema says of a payload, that a handler's answer must match.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Result } from '../../src-core/contract/result';
import { AcknowledgeSchema, ResumeSchema, SaveFileSchema, SweepIdSchema, validate } from '../../src-core/contract/schemas';
import { validateSweepSpec } from '../../src-core/sweep';
import type { HandlerName } from '../../src-main/handlers';
import { anyPayload, mutated, validSpec } from './arbitraries';

/** What the shared schema says of a payload: the oracle the handler's answer must agree with. */
const schemaAccepts: Record<HandlerName, (payload: unknown) => boolean> = {
  launchSweep: (p) => validateSweepSpec(p).ok,
  acknowledge: (p) => validate(AcknowledgeSchema, p).ok,
  resendPending: () => true,
  cancelSweep: (p) => validate(SweepIdSchema, p).ok,
  resumeSweep: (p) => validate(ResumeSchema, p).ok && validateSweepSpec((p as { spec: unknown }).spec).ok,
  saveFile: (p) => validate(SaveFileSchema, p).ok,
};

/** A payload for a channel: a valid one, one mutation from valid, or anything. */
export const payloadFor = (name: HandlerName): fc.Arbitrary<unknown> => {
  const valid: Record<HandlerName, fc.Arbitrary<unknown>> = {
    launchSweep: validSpec,
    acknowledge: fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }),
    resendPending: fc.constant(undefined),
    cancelSweep: fc.uuid(),
    resumeSweep: fc.record({ sweepId: fc.uuid(), createdAt: fc.nat(), spec: validSpec, storedRunIds: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }) }),
    saveFile: fc.record({ suggestedName: fc.constantFrom('runs.csv', 'é.csv'), content: fc.string({ maxLength: 100 }) }),
  };
  return fc.oneof(valid[name], mutated(valid[name]).map((m) => m.payload), anyPayload);
};


/**
 * A handler accepted exactly what its schema accepts. The one refusal the schema cannot foresee is a resume of a
 * sweep the service is still running, which depends on the service's state.
 */
export function expectAgreesWithSchema(name: HandlerName, payload: unknown, result: Result<unknown>): void {
  if (!result.ok && result.error.message.startsWith('Invalid sweep to resume: ')) return;
  expect(result.ok, `${name}: accepted must equal schema-valid (${result.ok ? 'accepted' : result.error.message})`).toBe(schemaAccepts[name](payload));
}
