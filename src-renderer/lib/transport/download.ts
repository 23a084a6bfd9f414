/** Starts a download of a link the browser follows (an export the server streams, or an object URL). */
function follow(href: string, suggestedName: string): void {
  const link = document.createElement('a');
  link.href = href;
  // Empty: the file takes the name the server's Content-Disposition gives.
  link.download = suggestedName;
  link.click();
}

/** The browser's way to save an export (serve mode): a download of the URL the server streams it from. */
export function startDownload(href: string): void {
  follow(href, '');
}

/** The browser's way to save something made here (a chart's PNG): a download of an in-memory Blob. */
export function downloadBlob(suggestedName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  follow(url, suggestedName);
  // Revoke on the next turn: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
