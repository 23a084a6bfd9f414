/**
 * The cancellations an agent remembers for tasks it is not running: anyone who can publish on the lab's cancel
 * channel sends them, so they are bounded in number and in time (src-main/agents/early-cancels.ts).
 */
import { describe, expect, it } from 'vitest';
import { EarlyCancels } from '../../../src-main/agents/early-cancels';

describe('EarlyCancels', () => {
  it('drops a task cancelled before it came, once', () => {
    const cancels = new EarlyCancels(4, 60_000);
    cancels.remember('lab-1');
    expect(cancels.take('lab-2')).toBe(false);
    expect(cancels.take('lab-1')).toBe(true);
    expect(cancels.take('lab-1')).toBe(false);
  });

  it('forgets a cancellation after its time', () => {
    let now = 0;
    const cancels = new EarlyCancels(4, 60_000, () => now);
    cancels.remember('lab-1');
    now = 60_001;
    expect(cancels.take('lab-1')).toBe(false);
    cancels.remember('lab-2');
    now = 60_002;
    cancels.remember('lab-3');
    // lab-2 aged out as lab-3 came in: only the young one is held.
    now = 120_002;
    cancels.remember('lab-4');
    expect(cancels.size).toBe(2);
  });

  it('holds at most its number of cancellations however many are published, the oldest forgotten first', () => {
    const cancels = new EarlyCancels(4_096, 60_000, () => 0);
    for (let i = 0; i < 200_000; i++) cancels.remember(`forged-${i}`);
    expect(cancels.size).toBe(4_096);
    expect(cancels.take('forged-0')).toBe(false);
    expect(cancels.take('forged-199999')).toBe(true);
    // A repeated id counts once and becomes the newest: the next one in forgets the oldest after it.
    cancels.remember('lab-0');
    cancels.remember('forged-195904');
    cancels.remember('lab-1');
    expect(cancels.size).toBe(4_096);
    expect(cancels.take('forged-195905')).toBe(false);
    expect(cancels.take('forged-195904')).toBe(true);
  });
});
