/**
 * What a worker's error event says went wrong, for a message shown after "Could not …: ". An exception thrown in the
 * worker arrives as an ErrorEvent with its message; a worker whose script could not be loaded (or that the browser
 * stopped) fires a plain Event with none, which read "Could not compute the importance: undefined".
 */
export function workerFailure(event: Event): string {
  const message = (event as Partial<ErrorEvent>).message;
  return typeof message === 'string' && message !== ''
    ? message
    : 'its background worker stopped or could not start (reload the page to try again)';
}
