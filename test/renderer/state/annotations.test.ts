import { describe, expect, it } from 'vitest';
import { parseNote, parseTag, withTag } from '../../../src-renderer/lib/state/annotations';

describe('tags and notes', () => {
  it.each([
    {
      desc: 'spaces only',
      input: '   ',
      expectedMessage: 'Invalid tag: "" (must have at least one character besides spaces)',
    },
    {
      desc: 'too long',
      input: 'a'.repeat(41),
      expectedMessage: `Invalid tag: "${'a'.repeat(40)}…" (must be at most 40 characters, it has 41)`,
    },
    {
      desc: 'a tab inside',
      input: 'lr\tsweep',
      expectedMessage: 'Invalid tag: "lr\\tsweep" (must not contain tabs, line breaks or other control characters)',
    },
  ])('refuses a tag that is $desc', ({ input, expectedMessage }) => {
    expect(parseTag(input)).toEqual({ ok: false, message: expectedMessage });
  });

  it('trims a tag and keeps its case and inner spaces', () => {
    expect(parseTag('  Best LR  ')).toEqual({ ok: true, value: 'Best LR' });
    expect(parseTag('a'.repeat(40))).toEqual({ ok: true, value: 'a'.repeat(40) });
  });

  it('adds a tag once, and refuses a 21st', () => {
    expect(withTag(['a'], 'a')).toEqual({ ok: true, value: ['a'] });
    expect(withTag(['a'], 'b')).toEqual({ ok: true, value: ['a', 'b'] });
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(withTag(twenty, 'more')).toEqual({
      ok: false,
      message: 'Invalid tag: "more" (a run has at most 20 tags; remove one first)',
    });
  });

  it('trims a note, lets "" clear it, and refuses one over 2,000 characters', () => {
    expect(parseNote('  diverges after step 12\n')).toEqual({ ok: true, value: 'diverges after step 12' });
    expect(parseNote('')).toEqual({ ok: true, value: '' });
    expect(parseNote('x'.repeat(2000))).toEqual({ ok: true, value: 'x'.repeat(2000) });
    expect(parseNote(' ' + 'x'.repeat(2001))).toEqual({
      ok: false,
      message: `Invalid note: "${'x'.repeat(40)}…" (must be at most 2000 characters, it has 2001)`,
    });
  });

  it.each([
    { desc: 'a line break inside', input: 'ok\r\n=1', shown: '"ok\\r\\n=1"' },
    { desc: 'a tab inside', input: 'ok\t=1+3', shown: '"ok\\t=1+3"' },
    { desc: 'a NUL', input: 'a\u0000b', shown: '"a\\u0000b"' },
  ])('refuses a note with $desc, naming it and what is allowed', ({ input, shown }) => {
    expect(parseNote(input)).toEqual({
      ok: false,
      message: `Invalid note: ${shown} (must not contain tabs, line breaks or other control characters)`,
    });
  });
});
