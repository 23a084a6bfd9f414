/**
 * A full disk, for fake-indexeddb. Chromium reports a used-up quota when a transaction commits: the transaction
 * aborts, with a QuotaExceededError as its error, and nothing it wrote is kept. While armed, this does the same to
 * every read-write transaction that wrote to the named object store.
 */
import 'fake-indexeddb/auto';

/** The parts of fake-indexeddb's transaction that a commit goes through. */
interface FakeTransaction {
  mode: IDBTransactionMode;
  _state: string;
  _started: boolean;
  _scope: Set<string>;
  _requests: { request: { readyState: string } }[];
  _start(): void;
  _abort(errorName: string): void;
}

/** fake-indexeddb/auto installs its FDBTransaction as the global IDBTransaction. */
const transactionPrototype = IDBTransaction.prototype as unknown as FakeTransaction;
const realStart = transactionPrototype._start;
const full = new Set<string>();

transactionPrototype._start = function start(this: FakeTransaction) {
  // Started, not finished, nothing left to run: the next step is the commit.
  const committing =
    this._started && this._state !== 'finished' && this._requests.every(({ request }) => request.readyState === 'done');
  const wrote = this.mode === 'readwrite' && [...this._scope].some((store) => full.has(store));
  if (committing && wrote) this._abort('QuotaExceededError');
  else realStart.call(this);
};

/** Makes transactions that write to `storeName` fail for lack of space, until the returned function is called. */
export function fillDisk(storeName: string): () => void {
  full.add(storeName);
  return () => full.delete(storeName);
}
