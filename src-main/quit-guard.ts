/**
 * Closing the window while a sweep runs asks first. Quitting anyway loses nothing stored: the sweep shows as
 * interrupted on the next start and Resume computes only the runs it lacks.
 */
import type { BrowserWindow, Dialog } from 'electron';

export const QUIT_PROMPT = {
  type: 'question' as const,
  buttons: ['Keep running', 'Quit'],
  defaultId: 0,
  cancelId: 0,
  message: 'A sweep is still running.',
  detail:
    'The runs already computed are stored. If you quit now, the sweep shows as interrupted next time, and Resume computes only the missing runs.',
};

/** Attaches the prompt to a window's close; `activeSweeps` tells whether anything is running. */
export function guardClose(
  win: Pick<BrowserWindow, 'on'>,
  dialog: Pick<Dialog, 'showMessageBoxSync'>,
  activeSweeps: () => number,
): void {
  win.on('close', (event) => {
    if (activeSweeps() === 0) return;
    const choice = dialog.showMessageBoxSync(win as BrowserWindow, QUIT_PROMPT);
    if (choice !== 1) event.preventDefault();
  });
}
