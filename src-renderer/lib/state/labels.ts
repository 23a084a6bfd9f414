/** How the app's text names things: one wording wherever a sweep or a number of things is shown. */

/** A sweep's name as shown: "untitled" for a sweep that has none (or that is not known). */
export const sweepLabel = (sweep: { name: string } | undefined): string => sweep?.name || 'untitled';

/** "1 run", "2 runs", "10,000 runs". */
export const countOf = (count: number, noun: string): string => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
