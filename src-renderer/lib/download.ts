/** The browser's way to save an export (serve mode): a download of the URL the server streams it from. */
export function startDownload(href: string): void {
  const link = document.createElement('a');
  link.href = href;
  // Empty: the file takes the name the server's Content-Disposition gives.
  link.download = '';
  link.click();
}
