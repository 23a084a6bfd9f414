/**
 * Reads that fail for a moment are read again. Chromium keeps a large value (a trace page is one) outside its database
 * and reads it back separately; when that read fails it reports "Failed to read large IndexedDB value" as an
 * UnknownError, the name the IndexedDB spec gives a transient failure (a lost file is a NotReadableError instead).
 * Seen once in a browser test right after a page was closed mid-write: the value was whole, its read was not. A read
 * that fails so is tried again at once, in the same transaction (waiting would let the transaction commit), at most
 * READ_TRIES times; any other failure, and the last one, reaches the caller as it was.
 */
import type { DBCore, DBCoreTable, Middleware } from 'dexie';

export const READ_TRIES = 3;

const isTransient = (error: unknown): boolean => error instanceof Error && error.name === 'UnknownError';

/**
 * Chained on the promise the read returns, not awaited: Dexie's promises carry its transaction zone, which an async
 * function's own promise would drop (the middlewares above it then find no transaction).
 */
function readWithRetries<T>(read: () => Promise<T>, attempt = 1): Promise<T> {
  return read().catch((error: unknown) => {
    if (attempt >= READ_TRIES || !isTransient(error)) throw error;
    return readWithRetries(read, attempt + 1);
  });
}

/** The reads that bring values back (a cursor's are not retried: none of the app's reads of large values uses one). */
const retryingTable = (table: DBCoreTable): DBCoreTable => ({
  ...table,
  get: (request) => readWithRetries(() => table.get(request)),
  getMany: (request) => readWithRetries(() => table.getMany(request)),
  query: (request) => readWithRetries(() => table.query(request)),
});

/** Below every other middleware, so that a retried read is the plain IndexedDB read. */
export const transientReadRetries: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'TransientReadRetries',
  level: -10,
  create: (core) => ({ ...core, table: (name) => retryingTable(core.table(name)) }),
};
