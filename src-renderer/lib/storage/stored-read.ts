/**
 * The start-up read of every sweep and run page, with IndexedDB alone: what `LabDatabase.runColumns` reads, started by
 * a script of its own (../../start-read.ts) as the page begins to load, while the app's code is still on its way.
 * Opened that early, the database answered in 10–20 ms; opened by the app once its code had run, the same read took
 * 60–130 ms, which was the longest stretch before the runs were listed (docs/performance-ui.md).
 *
 * It only ever reads a database this version of the app can read as it is: one at SCHEMA_VERSION with the tables it
 * reads. Anything else (no database yet, an older one that Dexie must upgrade first, a failure) gives null, and the app
 * reads through Dexie as before; so this never creates, upgrades or blocks the database.
 */
import type { RunPage } from './page-codec';
import type { StoredSweep } from './records';

/** Every run page and the sweeps their configs come from (what `LabDatabase.runColumns` gives). */
export interface StoredColumns {
  sweeps: StoredSweep[];
  pages: RunPage[];
}

/**
 * The database's name (LabDatabase's default; a test holds the two equal). This module is imported at run time only by
 * the start-up script: were the app's bundle to import it too, the two would share a chunk, and a classic script cannot
 * import one.
 */
export const DATABASE_NAME = 'adagrad-lab';
/** The schema version this app declares last (./schema); a test holds it to LabDatabase's. */
export const SCHEMA_VERSION = 6;
/** The version IndexedDB itself reports for a Dexie schema version (Dexie stores version × 10). */
const idbVersion = (schemaVersion: number): number => Math.round(schemaVersion * 10);

const TABLES = ['sweeps', 'runPages'] as const;

declare global {
  interface Window {
    /** The start-up read of the stored runs (../../start-read.ts), taken once by the app (App.svelte). */
    adagradLabStoredRead?: Promise<StoredColumns | null>;
  }
}

/** Reads every sweep and run page of `name` in one transaction, or null (see above); never rejects. */
export function readStoredColumns(
  factory: IDBFactory,
  name = DATABASE_NAME,
  schemaVersion = SCHEMA_VERSION,
): Promise<StoredColumns | null> {
  return new Promise((resolve) => {
    let request: IDBOpenDBRequest;
    try {
      // No version: the database as it is, never an upgrade of an existing one.
      request = factory.open(name);
    } catch {
      return resolve(null);
    }
    // Only a database that does not exist yet asks for an upgrade: aborting it leaves none behind, for Dexie to create.
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = (event) => {
      event.preventDefault();
      resolve(null);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Dexie's upgrade of an older database waits for every connection to close: this one gives way at once.
      db.onversionchange = () => db.close();
      const done = (columns: StoredColumns | null) => {
        db.close();
        resolve(columns);
      };
      if (db.version !== idbVersion(schemaVersion) || !TABLES.every((table) => db.objectStoreNames.contains(table)))
        return done(null);
      try {
        const tx = db.transaction(TABLES, 'readonly');
        const sweeps = tx.objectStore('sweeps').getAll();
        const pages = tx.objectStore('runPages').getAll();
        tx.oncomplete = () => done({ sweeps: sweeps.result as StoredSweep[], pages: pages.result as RunPage[] });
        tx.onerror = (event) => {
          event.preventDefault();
          done(null);
        };
        tx.onabort = () => done(null);
      } catch {
        done(null);
      }
    };
  });
}
