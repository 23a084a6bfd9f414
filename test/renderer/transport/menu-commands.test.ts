import { describe, expect, it, vi } from 'vitest';
import { menuCommands, type MenuCommand } from '../../../src-core/contract/menu-commands';
import { onMenuCommands, type MenuHandlers } from '../../../src-renderer/lib/transport/menu-commands';

const handlers = (): MenuHandlers =>
  Object.fromEntries(menuCommands.map((command) => [command, vi.fn()])) as unknown as MenuHandlers;

/** A stand-in for the preload's onMenuCommand that lets the test deliver anything, as a compromised main side could. */
function source() {
  let deliver: ((command: unknown) => void) | null = null;
  const unsubscribe = vi.fn(() => (deliver = null));
  return {
    api: {
      onMenuCommand: (listener: (command: MenuCommand) => void) => (
        (deliver = listener as (command: unknown) => void),
        unsubscribe
      ),
    },
    send: (command: unknown) => deliver?.(command),
    unsubscribe,
  };
}

describe('the menu commands in the page', () => {
  it('runs the handler of each known command, once', () => {
    const run = handlers();
    const { api, send } = source();
    onMenuCommands(run, api);
    for (const command of menuCommands) send(command);
    for (const command of menuCommands) expect(run[command], command).toHaveBeenCalledOnce();
  });

  it('ignores every other value, and stops when unsubscribed', () => {
    const run = handlers();
    const { api, send, unsubscribe } = source();
    const stop = onMenuCommands(run, api);
    for (const hostile of [
      'launch',
      'toString',
      '__proto__',
      'constructor',
      'NEW-SWEEP',
      '',
      null,
      3,
      { command: 'new-sweep' },
      ['new-sweep'],
    ])
      send(hostile);
    for (const command of menuCommands) expect(run[command]).not.toHaveBeenCalled();
    stop();
    expect(unsubscribe).toHaveBeenCalledOnce();
    send('new-sweep');
    expect(run['new-sweep']).not.toHaveBeenCalled();
  });

  it('does nothing where there is no menu (serve mode)', () => {
    const stop = onMenuCommands(handlers(), undefined);
    expect(() => stop()).not.toThrow();
    expect(() => onMenuCommands(handlers(), {})()).not.toThrow();
  });
});
