/**
 * Loaded by index.html as a classic async script of its own, ahead of the app's code: starts reading the stored runs
 * while that code is still being fetched and compiled (./lib/storage/stored-read). It must stay a script without
 * imports in its output, so it imports nothing the app's bundle also holds at run time.
 */
import { readStoredColumns } from './lib/storage/stored-read';

window.adagradLabStoredRead = readStoredColumns(indexedDB);
