import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  // A fake ipcRenderer: an emitter (so on/removeListener behave like Electron's) plus a recorded invoke.
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async (channel: string) => ({ ok: true, value: channel })),
  });
  return { ipcRenderer, contextBridge: { exposeInMainWorld: vi.fn() } };
});

import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopLabApi } from '../../src-core/contract/api';
import { Channels } from '../../src-core/contract/channels';
import { menuCommands } from '../../src-core/contract/menu-commands';
import { methodNames } from '../../src-core/contract/methods';
import type { SweepEvent } from '../../src-core/contract/types';

let api: DesktopLabApi;
beforeAll(async () => {
  await import('../../src-main/preload');
  const calls = vi.mocked(contextBridge.exposeInMainWorld).mock.calls;
  expect(calls).toHaveLength(1);
  expect(calls[0][0]).toBe('adagradLab');
  api = calls[0][1] as DesktopLabApi;
});

const invoke = vi.mocked(ipcRenderer.invoke);

describe('preload', () => {
  it('exposes exactly one named function per method of the registry, onEvent and onMenuCommand', () => {
    expect(Object.keys(api).sort()).toEqual([
      'acknowledge',
      'cancelSweep',
      'finishExport',
      'launchSweep',
      'onEvent',
      'onMenuCommand',
      'resendPending',
      'resumeSweep',
      'startExport',
      'sweepExecutor',
      'testRedis',
      'workerThreads',
      'writeExport',
    ]);
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'onEvent', 'onMenuCommand'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('never exposes ipcRenderer or any of its methods', () => {
    const exposed = Object.values(api);
    expect(exposed).not.toContain(ipcRenderer);
    expect(exposed).not.toContain(ipcRenderer.invoke);
    expect(exposed).not.toContain(ipcRenderer.on);
    expect(exposed).not.toContain(ipcRenderer.send);
  });

  it('imports only electron and the contract', () => {
    const text = readFileSync(new URL('../../src-main/preload.ts', import.meta.url), 'utf8');
    const source = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''); // code only: the doc comment may name what is banned
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const specifier of imports)
      expect(specifier === 'electron' || specifier.startsWith('../src-core/contract/')).toBe(true);
    // The preload builds as CommonJS: ES-module-only syntax would break the sandboxed load.
    expect(source).not.toMatch(/import\.meta|\bawait\s+import\(|^await\s/m);
  });

  it('sends each call on its channel with its payload', async () => {
    invoke.mockClear();
    const spec = { name: 'x' };
    await api.launchSweep(spec);
    await api.acknowledge([{ sweepId: 's1', from: 0, to: 2 }]);
    await api.resendPending();
    await api.cancelSweep('s1');
    await api.resumeSweep({ sweepId: 's1', createdAt: 1, spec: {}, storedRunIds: [] });
    await api.startExport({ kind: 'traces', suggestedName: 'traces.csv', everyStep: true });
    await api.writeExport({ exportId: 'e1', runs: [] });
    await api.finishExport({ exportId: 'e1', abort: false });
    await api.workerThreads({ threads: 1 });
    expect(invoke.mock.calls).toEqual([
      [Channels.launchSweep, spec],
      [Channels.acknowledge, [{ sweepId: 's1', from: 0, to: 2 }]],
      [Channels.resendPending],
      [Channels.cancelSweep, 's1'],
      [Channels.resumeSweep, { sweepId: 's1', createdAt: 1, spec: {}, storedRunIds: [] }],
      [Channels.startExport, { kind: 'traces', suggestedName: 'traces.csv', everyStep: true }],
      [Channels.writeExport, { exportId: 'e1', runs: [] }],
      [Channels.finishExport, { exportId: 'e1', abort: false }],
      [Channels.workerThreads, { threads: 1 }],
    ]);
  });

  it('sends the one payload given and nothing more, whatever the page passes', async () => {
    invoke.mockClear();
    const call = api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await call.launchSweep({ name: 'x' }, 'extra', 3);
    await call.resendPending();
    await call.cancelSweep('s1', { more: true });
    expect(invoke.mock.calls).toEqual([
      [Channels.launchSweep, { name: 'x' }],
      [Channels.resendPending],
      [Channels.cancelSweep, 's1'],
    ]);
  });

  it('returns what the main process answered', async () => {
    await expect(api.resendPending()).resolves.toEqual({ ok: true, value: Channels.resendPending });
  });

  it('hands listeners only the event payload, and unsubscribes', () => {
    const seen: unknown[][] = [];
    const unsubscribe = api.onEvent((...args: unknown[]) => seen.push(args));
    const event: SweepEvent = {
      type: 'progress',
      sweepId: 's',
      progress: { done: 1, total: 3, converged: 0, diverged: 0, failed: 0, runsPerSecond: 10, etaSeconds: 0.2 },
    };
    const ipcEvent = { sender: ipcRenderer, ports: [] };
    ipcRenderer.emit(Channels.event, ipcEvent, event);
    expect(seen).toEqual([[event]]);

    unsubscribe();
    ipcRenderer.emit(Channels.event, ipcEvent, event);
    expect(seen).toHaveLength(1);
    expect(ipcRenderer.listenerCount(Channels.event)).toBe(0);
  });

  it('listens on the event channel only', () => {
    const unsubscribe = api.onEvent(() => undefined);
    expect((ipcRenderer as unknown as { eventNames(): unknown[] }).eventNames()).toEqual([Channels.event]);
    unsubscribe();
  });

  it('hands menu listeners only the command name, and only a known one; unsubscribes', () => {
    const seen: unknown[][] = [];
    const unsubscribe = api.onMenuCommand((...args: unknown[]) => seen.push(args));
    const ipcEvent = { sender: ipcRenderer, ports: [] };
    for (const command of menuCommands) ipcRenderer.emit(Channels.menuCommand, ipcEvent, command);
    for (const hostile of ['launch', '__proto__', 'toString', '', null, 7, { command: 'new-sweep' }, ['new-sweep']]) {
      ipcRenderer.emit(Channels.menuCommand, ipcEvent, hostile);
    }
    ipcRenderer.emit(Channels.menuCommand, ipcEvent, 'theme-dark', 'extra');
    expect(seen).toEqual([...menuCommands.map((command) => [command]), ['theme-dark']]);

    unsubscribe();
    ipcRenderer.emit(Channels.menuCommand, ipcEvent, 'new-sweep');
    expect(seen).toHaveLength(menuCommands.length + 1);
    expect(ipcRenderer.listenerCount(Channels.menuCommand)).toBe(0);
  });

  it('listens for menu commands on the menu channel only, and sends nothing back', () => {
    const invokes = invoke.mock.calls.length;
    const unsubscribe = api.onMenuCommand(() => undefined);
    expect((ipcRenderer as unknown as { eventNames(): unknown[] }).eventNames()).toEqual([Channels.menuCommand]);
    ipcRenderer.emit(Channels.menuCommand, { sender: ipcRenderer, ports: [] }, 'new-sweep');
    expect(invoke.mock.calls).toHaveLength(invokes);
    unsubscribe();
  });
});
