/**
 * What a person may attach to a run: tags, a star and a note. Checked here, once, before anything is written, with
 * messages that name the field, the value and what is allowed.
 */
import { AnnotationLimits } from '../../../src-core/contract/annotations';
import { show } from '../../../src-core/contract/show';
import type { Parsed } from '../../../src-core/sweep/parse';

/**
 * Control characters (a pasted tab or newline) would be invisible in a tag chip, and in an exported cell they are
 * what lets a spreadsheet that splits on tabs or lines start a formula mid-cell.
 */
const CONTROL = /\p{Cc}/u;
const noControl = '(must not contain tabs, line breaks or other control characters)';

/** A tag as typed: trimmed, 1–40 characters, no control characters. */
export function parseTag(input: string): Parsed<string> {
  const tag = input.trim();
  if (tag === '') return { ok: false, message: 'Invalid tag: "" (must have at least one character besides spaces)' };
  if (tag.length > AnnotationLimits.maxTagLength) {
    return {
      ok: false,
      message: `Invalid tag: ${show(tag)} (must be at most ${AnnotationLimits.maxTagLength} characters, it has ${tag.length})`,
    };
  }
  if (CONTROL.test(tag)) return { ok: false, message: `Invalid tag: ${show(tag)} ${noControl}` };
  return { ok: true, value: tag };
}

/** A run's tags with `tag` added: unchanged when it is already there (tags are compared case-sensitively). */
export function withTag(tags: readonly string[], tag: string): Parsed<string[]> {
  if (tags.includes(tag)) return { ok: true, value: [...tags] };
  if (tags.length >= AnnotationLimits.maxTagsPerRun) {
    return {
      ok: false,
      message: `Invalid tag: ${show(tag)} (a run has at most ${AnnotationLimits.maxTagsPerRun} tags; remove one first)`,
    };
  }
  return { ok: true, value: [...tags, tag] };
}

/** A note as typed: leading and trailing white space trimmed, at most 2,000 characters, no control characters; "" clears it. */
export function parseNote(input: string): Parsed<string> {
  const note = input.trim();
  if (note.length > AnnotationLimits.maxNoteLength) {
    return {
      ok: false,
      message: `Invalid note: ${show(note)} (must be at most ${AnnotationLimits.maxNoteLength} characters, it has ${note.length})`,
    };
  }
  if (CONTROL.test(note)) return { ok: false, message: `Invalid note: ${show(note)} ${noControl}` };
  return { ok: true, value: note };
}
