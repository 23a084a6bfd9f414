import { beforeEach, describe, expect, it, vi } from 'vitest';

// ipc.ts must never need the real electron module: the registrar is passed in. The mock stands in for ipcMain.
vi.mock('electron', () => {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  return {
    ipcMain: {
      handlers,
      handle: vi.fn((channel: string, fn: (...args: unknown[]) => unknown) => {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, fn);
      }),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
  };
});

import { ipcMain } from 'electron';
import { Channels } from '../../src-core/contract/channels';
import type { Result } from '../../src-core/contract/result';
import type { SweepEvent } from '../../src-core/contract/types';
import { ExportSessions } from '../../src-main/export/sessions';
import { createHandlers, type Handlers } from '../../src-main/handlers';
import { mainFrameSenderCheck, registerIpc, type SenderFrame } from '../../src-main/ipc';
import { SweepService } from '../../src-main/sweep-service';
import { adagradSweep } from '../helpers/configs';
import { inProcessExecutor as inProcess } from '../helpers/in-process-executor';
import { resultsIn } from '../helpers/sweep-events';

type FakeIpcMain = typeof ipcMain & {
  handlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<Result<unknown>>>;
};
const fakeIpc = ipcMain as FakeIpcMain;

const inProcessExecutor = { ...inProcess(), threads: 1 };

const mainFrame: SenderFrame = { url: 'app://lab/index.html', parent: null, processId: 7, frameToken: 'main-token' };
const frame = (overrides: Partial<SenderFrame>): SenderFrame => ({ ...mainFrame, ...overrides });

const goodSpec = adagradSweep({
  name: 'three',
  start: [1],
  lrs: [0.01, 0.1, 1],
  eps: [1e-10],
  weightDecays: [0],
  steps: 5,
});

let service: SweepService;
/** Exports whose save dialog is always cancelled: what IPC does with them is all these tests look at. */
const exports = new ExportSessions(inProcessExecutor, async () => null);
let events: SweepEvent[];
let unregister: () => void;

const invoke = (channel: string, senderFrame: SenderFrame | null, ...args: unknown[]) => {
  const handler = fakeIpc.handlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  return handler({ senderFrame }, ...args);
};

beforeEach(() => {
  fakeIpc.handlers.clear();
  service = new SweepService(inProcessExecutor, { newSweepId: () => 'sweep-1', now: () => 1000 });
  events = [];
  service.onEvent((e) => events.push(e));
  unregister = registerIpc(
    ipcMain,
    createHandlers(service, exports),
    mainFrameSenderCheck(() => mainFrame),
  );
});

describe('registerIpc', () => {
  it('registers exactly the eleven invoke channels, never the event channel or anything else', () => {
    expect(new Set(fakeIpc.handlers.keys())).toEqual(
      new Set([
        Channels.launchSweep,
        Channels.acknowledge,
        Channels.resendPending,
        Channels.cancelSweep,
        Channels.resumeSweep,
        Channels.startExport,
        Channels.writeExport,
        Channels.finishExport,
        Channels.workerThreads,
        Channels.sweepExecutor,
        Channels.testRedis,
      ]),
    );
    expect(fakeIpc.handlers.has(Channels.event)).toBe(false);
  });

  it('removes every handler it registered', () => {
    unregister();
    expect(fakeIpc.handlers.size).toBe(0);
  });

  it('passes a good launchSweep payload to the service', async () => {
    const result = await invoke(Channels.launchSweep, mainFrame, goodSpec);
    expect(result).toEqual({ ok: true, value: { sweepId: 'sweep-1', runCount: 3, createdAt: 1000 } });
    await service.idle();
    const results = resultsIn(events);
    expect(results.map((r) => r.config.optimizer.lr)).toEqual([0.01, 0.1, 1]);
    expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'sweep-1', status: 'completed' });
  });

  it("refuses a bad payload with the schema's message and runs nothing", async () => {
    const result = await invoke(
      Channels.launchSweep,
      mainFrame,
      adagradSweep({ name: 'three', start: [1], lrs: [-0.1], eps: [1e-10], weightDecays: [0], steps: 5 }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-input');
    expect(result.error.message).toContain('Invalid learning rate: -0.1 (must be a finite number > 0)');
    expect(events).toEqual([]);
  });

  it('refuses a bad acknowledge payload', async () => {
    const result = await invoke(Channels.acknowledge, mainFrame, [{ sweepId: 's', from: 3, to: 3 }]);
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: '0: Invalid stored range: 3 to 3 (the end must be after the start)' },
    });
  });

  it('refuses a bad export request with the field, the value and what is allowed', async () => {
    const result = await invoke(Channels.startExport, mainFrame, {
      kind: 'everything',
      suggestedName: 'a.csv',
      everyStep: false,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'kind: Invalid export kind: "everything" (must be one of summary, traces, runs)',
      },
    });
    const page = await invoke(Channels.writeExport, mainFrame, {
      exportId: 'x',
      runs: [{ config: { id: 1 }, summary: {}, sweepName: '' }],
    });
    expect(page).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: 'runs.0.config.id: Invalid run id: 1 (must be text)' },
    });
  });

  it('passes a good export request on: a cancelled dialog opens nothing', async () => {
    await expect(
      invoke(Channels.startExport, mainFrame, { kind: 'summary', suggestedName: 'runs.csv', everyStep: false }),
    ).resolves.toEqual({
      ok: true,
      value: { exportId: null },
    });
  });

  it('reads the worker threads, clamps a request to the pool, and refuses a bad count by name', async () => {
    // This file's in-process executor is a pool of one.
    await expect(invoke(Channels.workerThreads, mainFrame, { threads: null })).resolves.toEqual({
      ok: true,
      value: { threads: 1, max: 1 },
    });
    await expect(invoke(Channels.workerThreads, mainFrame, { threads: 64 })).resolves.toEqual({
      ok: true,
      value: { threads: 1, max: 1 },
    });
    await expect(invoke(Channels.workerThreads, mainFrame, { threads: 1.5 })).resolves.toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'threads: Invalid worker threads: 1.5 (must be a whole number from 1 to 256, or null to read)',
      },
    });
  });

  it('reads where sweeps run, and refuses a bad choice by name, never quoting a password', async () => {
    await expect(invoke(Channels.sweepExecutor, mainFrame, null)).resolves.toEqual({
      ok: true,
      value: { on: 'this-computer', previousUntilSweepEnds: false },
    });
    const refusal = async (payload: unknown): Promise<string> => {
      const result = (await invoke(Channels.sweepExecutor, mainFrame, payload)) as Result<unknown>;
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.error.message;
    };
    expect(await refusal({ on: 'cloud' })).toBe(
      'Invalid place to run sweeps: "cloud" (must be one of this-computer, agents)',
    );
    expect(await refusal({ on: 'agents' })).toBe('url: Missing field: a sweep executor choice needs it');
    expect(await refusal({ on: 'this-computer', url: 'redis://h' })).toBe(
      'url: Unknown field: "url" is not part of a sweep executor choice',
    );
    expect(await refusal({ on: 'agents', url: 'http://:hunter2@host:6379' })).toBe(
      'Invalid value for the Redis URL: "http://:***@host:6379" (the scheme is http:; must be redis://[user:password@]host[:port][/db], or rediss:// for TLS)',
    );
    expect(await refusal({ on: 'agents', url: `redis://:hunter2@h/${'x'.repeat(2000)}` })).toBe(
      'url: Invalid Redis URL: 2019 characters (must be at most 2000)',
    );
    expect(await refusal({ on: 'agents', url: 'redis://h', queue: 'a:b' })).toBe(
      'Invalid value for the queue: "a:b" (must be 1 to 64 letters, digits, _ . or -)',
    );
    const tested = (await invoke(Channels.testRedis, mainFrame, { url: 'rediss://u:hunter2@' })) as Result<unknown>;
    expect(tested).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message:
          'Invalid value for the Redis URL: "rediss://u:***@" (not a URL; must be redis://[user:password@]host[:port][/db], or rediss:// for TLS)',
      },
    });
  });

  it('answers resendPending with no payload', async () => {
    await expect(invoke(Channels.resendPending, mainFrame)).resolves.toEqual({ ok: true, value: 0 });
  });

  // Untrusted senders are refused on every channel: test/security/electron-checklist.test.ts, item 17.

  it('refuses extra arguments with invalid-input and runs nothing', async () => {
    const result = await invoke(Channels.launchSweep, mainFrame, goodSpec, 'extra');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message).toContain('takes one payload, got 2 arguments');
    expect(events).toEqual([]);
  });

  it('turns a throwing handler into an internal error instead of throwing across', async () => {
    fakeIpc.handlers.clear();
    const boom = vi.fn(async () => {
      throw new Error('boom');
    });
    const handlers: Handlers = { ...createHandlers(service, exports), startExport: boom };
    registerIpc(ipcMain, handlers, () => true);
    const result = await invoke(Channels.startExport, mainFrame, {
      kind: 'summary',
      suggestedName: 'a.csv',
      everyStep: false,
    });
    expect(boom).toHaveBeenCalledOnce();
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('does not call a handler whose sender is refused', async () => {
    fakeIpc.handlers.clear();
    const startExport = vi.fn(async () => ({ ok: true as const, value: { exportId: null } }));
    registerIpc(ipcMain, { ...createHandlers(service, exports), startExport }, () => false);
    await invoke(Channels.startExport, mainFrame, { kind: 'summary', suggestedName: 'a.csv', everyStep: false });
    expect(startExport).not.toHaveBeenCalled();
  });
});

describe('mainFrameSenderCheck', () => {
  it('trusts the dev server origin only when one is configured', () => {
    const dev = frame({ url: 'http://localhost:5173/index.html' });
    expect(mainFrameSenderCheck(() => mainFrame, 'http://localhost:5173')(dev)).toBe(true);
    expect(mainFrameSenderCheck(() => mainFrame)(dev)).toBe(false);
    expect(
      mainFrameSenderCheck(() => mainFrame, 'http://localhost:5173')(frame({ url: 'http://localhost:5174/' })),
    ).toBe(false);
  });

  it('trusts nothing while there is no window', () => {
    expect(mainFrameSenderCheck(() => null)(mainFrame)).toBe(false);
  });
});
