import type { SaveFileOutcome, SaveFileRequest } from '../../src-core/contract/api';

/** The browser's way to save a file: a download of an in-memory Blob. */
export function downloadBlob(suggestedName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = suggestedName;
  link.click();
  // Revoke on the next turn: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Saves text (the CSV export) the browser's way. */
export function downloadFile({ suggestedName, content }: SaveFileRequest): SaveFileOutcome {
  downloadBlob(suggestedName, new Blob([content], { type: 'text/csv;charset=utf-8' }));
  return { saved: true };
}
