/**
 * The one CSV writer (RFC 4180, CRLF line ends) behind every export: the app's and the command line's. Rows come out
 * in chunks from a generator, so a table of millions of rows is written as it is produced, never held whole. Every
 * number is written in shortest round-trip form, so a parser reading it back gets the very doubles that were
 * computed, and text cells cannot be run as spreadsheet formulas.
 */

export type Cell = string | number | null;

/**
 * What makes a spreadsheet evaluate a text cell: a leading = + - @ tab or CR, or one of = + - @ after a separator a
 * spreadsheet may split on (comma, semicolon, tab: Excel's default in many locales is the semicolon) or a line break,
 * spaces allowed between (an import that trims spaces starts the cell there). Such a cell gets a leading apostrophe,
 * which makes it plain text.
 */
const FORMULA = /^[=+\-@\t\r]|[,;\t\r\n] *[=+\-@]/;

export function formatCell(cell: Cell): string {
  if (cell === null) return '';
  // JS prints the shortest string that parses back to the same double; only the sign of zero needs help.
  if (typeof cell === 'number') return Object.is(cell, -0) ? '-0' : String(cell);
  const text = FORMULA.test(cell) ? `'${cell}` : cell;
  return QUOTED.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const QUOTED = /[",\r\n]/;

export const formatRow = (cells: readonly Cell[]): string => cells.map(formatCell).join(',');

/** A column of a table: its header and how a record gives its cell. */
export interface Column<T> {
  header: string;
  cell: (record: T) => Cell;
}

/** The header line, CRLF included. */
export const csvHeader = <T>(columns: readonly Column<T>[]): string => `${formatRow(columns.map((c) => c.header))}\r\n`;

/** About this many characters per chunk: large enough that writes are few, small enough to stay out of the way. */
const CHUNK_CHARS = 1 << 16;

/**
 * A table's rows as text, one at a time. Its own class, not csvRows' loop: formatting a row is what is hot, and a
 * generator whose first call runs that loop is compiled while it runs, before the code ahead of its loop has V8's
 * feedback, and deoptimized at its next call (in every worker); the loop that calls this stays small enough to run
 * whole a few times first.
 */
class RowFormatter<T> {
  private readonly cells: Column<T>['cell'][];
  /**
   * Per column, its last cell and that cell's text: most of a sweep's columns repeat from row to row (its objective,
   * an axis that changes every hundred rows), and formatting a number is what a cell costs.
   */
  private readonly lastCell: Cell[];
  private readonly lastText: string[];
  /** One array of a row's texts, reused: joined once, a row is one flat string (concatenated, it was ~70 pieces). */
  private readonly texts: string[];

  constructor(columns: readonly Column<T>[]) {
    // Arrays made by Array.from with functions made once, neither by map (its arrays are packed while the caller runs
    // interpreted and holey once V8 optimizes it, and code optimized for the one deoptimizes on the other) nor with a
    // closure made per call (which V8 compiles again in every thread).
    this.cells = Array.from(columns, cellOf);
    this.lastCell = Array.from(columns, noCell);
    this.lastText = Array.from(columns, noText);
    this.texts = Array.from(columns, noText);
  }

  /** The row of `record`, CRLF included. */
  row(record: T): string {
    const { cells, lastCell, lastText, texts } = this;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c](record);
      if (!Object.is(cell, lastCell[c])) {
        lastCell[c] = cell;
        lastText[c] = formatCell(cell);
      }
      texts[c] = lastText[c];
    }
    return `${texts.join(',')}\r\n`;
  }
}

const cellOf = <T>(column: Column<T>): Column<T>['cell'] => column.cell;
const noCell = (): Cell => null;
const noText = (): string => '';

/** The rows of `records`, each ending in CRLF, joined into chunks of about 64K characters; nothing when empty. */
export function* csvRows<T>(columns: readonly Column<T>[], records: Iterable<T>): Generator<string> {
  // The chunk so far: rows appended to one string, which is flattened once, when written (an array of lines changed
  // its elements kind between the interpreted and the optimized loop, a deoptimization in every worker).
  let chunk = '';
  const formatter = new RowFormatter(columns);
  const iterator = records[Symbol.iterator]();
  for (;;) {
    const next = iterator.next();
    if (!next.done) chunk += formatter.row(next.value);
    // The last chunk leaves through the same test as every other, its threshold 1 once the records end: V8 compiles
    // this loop while it runs (on-stack replacement) and enters that code again on every later call, and code after
    // the loop, never run when it was compiled, made it deoptimize at the end of every call (a worker's every batch).
    if (chunk.length >= (next.done ? 1 : CHUNK_CHARS)) {
      yield chunk;
      chunk = '';
    }
    if (next.done) return;
  }
}
