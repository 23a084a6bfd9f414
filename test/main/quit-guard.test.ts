import { describe, expect, it, vi } from 'vitest';
import { guardClose, QUIT_PROMPT } from '../../src-main/quit-guard';

type CloseListener = (event: { preventDefault(): void }) => void;

function setup(active: number, choice: number) {
  let onClose: CloseListener | undefined;
  const win = { on: vi.fn((name: string, listener: CloseListener) => void (name === 'close' && (onClose = listener))) };
  const dialog = { showMessageBoxSync: vi.fn(() => choice) };
  guardClose(win as never, dialog as never, () => active);
  const event = { preventDefault: vi.fn() };
  onClose!(event);
  return { dialog, event };
}

describe('closing the window during a sweep', () => {
  it('closes without asking when nothing runs', () => {
    const { dialog, event } = setup(0, 0);
    expect(dialog.showMessageBoxSync).not.toHaveBeenCalled();
    expect(event.preventDefault).not.toHaveBeenCalled();
  });

  it('asks, and keeps the window when the user chooses to keep running', () => {
    const { dialog, event } = setup(1, 0);
    expect(dialog.showMessageBoxSync).toHaveBeenCalledWith(expect.anything(), QUIT_PROMPT);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('closes when the user chooses Quit', () => {
    const { event } = setup(2, 1);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });
});
