import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { isQuotaExceeded, storageFullMessage } from '../../../src-renderer/lib/storage/storage-errors';

const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');

describe('telling a full disk from other failures', () => {
  it.each([
    ['the DOMException itself', quota],
    [
      "Dexie's AbortError of the aborted transaction (Chromium, at commit)",
      new Dexie.AbortError('Transaction aborted', quota),
    ],
    ['a BulkError whose failures include it', new Dexie.BulkError('bulkPut failed', [new Error('other'), quota])],
    ["Dexie's own QuotaExceededError", new Dexie.QuotaExceededError('full')],
  ])('recognises %s', (_, error) => expect(isQuotaExceeded(error)).toBe(true));

  it.each([
    ['a clone failure', new DOMException('could not be cloned', 'DataCloneError')],
    ['an AbortError for another reason', new Dexie.AbortError('Transaction aborted', new Error('constraint'))],
    [
      'a BulkError of constraint failures',
      new Dexie.BulkError('bulkAdd failed', [new Dexie.ConstraintError('exists')]),
    ],
    ['a string', 'QuotaExceededError'],
    ['nothing', undefined],
  ])('does not mistake %s for it', (_, error) => expect(isQuotaExceeded(error)).toBe(false));
});

describe('what a person is told when the disk is full', () => {
  it('counts the runs not stored as every count in the window reads', () => {
    expect(storageFullMessage(12_345)).toMatch(/^Storage is full: 12,345 finished runs were not stored, /);
    expect(storageFullMessage(1)).toMatch(/^Storage is full: 1 finished run was not stored, /);
  });
});
