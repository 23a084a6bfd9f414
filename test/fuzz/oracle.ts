/**
 * What every refusal and every acceptance must satisfy, shared by the fuzz tests of each boundary, and the tally
 * they print (docs/reliability.md quotes it).
 */
import { expect } from 'vitest';
import type { Result } from '../../src-core/contract/result';

/**
 * A clear refusal: optionally the field's path, then one of the contract's message shapes, which name the field (its
 * label) and, for a bad value, the value and what is allowed. valibot's own defaults ("Invalid type: Expected …") and
 * stringified objects are not clear.
 */
const SHAPES =
  /(?:Invalid [A-Za-z][\w -]*: .+|Unknown (?:field|hyperparameter|method): .+|Missing field: .+|Malformed (?:frame|request): .+|Refused: .+|Text frames are not accepted.+|Nesterov momentum requires a momentum and zero dampening)$/s;
const UNCLEAR = /Expected .* but received|\[object |Invalid (?:type|key|length|value): /;

/** The field path a message starts with ('' when it is about the whole payload); keys may hold any character. */
export function pathOf(message: string): string {
  return /^(.*?): (?=Invalid |Unknown |Missing |Malformed |Nesterov )/s.exec(message)?.[1] ?? '';
}

export function expectClearMessage(message: string, context: string): void {
  expect(message.length, `${context}: an empty or overlong message`).toBeGreaterThan(10);
  expect(message.length, `${context}: ${message.slice(0, 200)}…`).toBeLessThan(600);
  const shape = message.slice(pathOf(message).length).replace(/^: /, '');
  expect(
    new RegExp(`^${SHAPES.source}`, 's').test(shape) && !UNCLEAR.test(message),
    `${context}: unclear message ${JSON.stringify(message)}`,
  ).toBe(true);
}

/** A handler's answer: always a Result; a refusal of bad input is invalid-input with a clear message, never internal. */
export function expectResult(result: unknown, context: string): asserts result is Result<unknown> {
  expect(result, context).toMatchObject({ ok: expect.any(Boolean) });
  const r = result as Result<unknown>;
  if (!r.ok) {
    expect(['invalid-input', 'unauthorized', 'not-found'], `${context}: ${r.error.code}: ${r.error.message}`).toContain(
      r.error.code,
    );
    expectClearMessage(r.error.message, context);
  }
}

/** Counts per boundary, printed once at the end of each fuzz file: `fuzz: <boundary>: N tried (A accepted, R refused)`. */
export class Tally {
  private readonly counts = new Map<string, { tried: number; accepted: number }>();

  record(boundary: string, accepted: boolean): void {
    const count = this.counts.get(boundary) ?? { tried: 0, accepted: 0 };
    count.tried++;
    if (accepted) count.accepted++;
    this.counts.set(boundary, count);
  }

  tried(boundary: string): number {
    return this.counts.get(boundary)?.tried ?? 0;
  }

  print(): void {
    let total = 0;
    for (const [boundary, { tried, accepted }] of this.counts) {
      total += tried;
      console.log(`fuzz: ${boundary}: ${tried} tried (${accepted} accepted, ${tried - accepted} refused)`);
    }
    console.log(`fuzz: total in this file: ${total}`);
  }
}
