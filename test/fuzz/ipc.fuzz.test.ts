/**
 * Fuzzing Electron IPC through src-main/ipc.ts with `electron` faked: random channels, sender frames, argument lists
 * and payloads against the real handlers and a real SweepService. Every call settles to a Result (never a rejection,
 * never 'internal'); an untrusted sender is refused before anything else; a payload is accepted or refused as the
 * contract's rules (test/fuzz/payloads.ts, written out there) say, and refused with a clear message.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../security/fake-electron')).fakeElectron());

import { ipcMain } from 'electron';
import { Channels } from '../../src-core/contract/channels';
import { methodNames, type MethodName } from '../../src-core/contract/methods';
import { ExportSessions } from '../../src-main/export/sessions';
import { createHandlers } from '../../src-main/handlers';
import { mainFrameSenderCheck, registerIpc, type SenderFrame } from '../../src-main/ipc';
import { SweepService } from '../../src-main/sweep-service';
import { anyPayload, FUZZ_SEED, FUZZ_TIMEOUT_MS } from './arbitraries';
import { expectAgreesWithSchema, payloadFor } from './payloads';
import { instantExecutor } from './instant-executor';
import { expectResult, Tally } from './oracle';

const tally = new Tally();
afterAll(() => tally.print());

const mainFrame: SenderFrame = { url: 'app://lab/index.html', parent: null, processId: 7, frameToken: 'main' };
const fakeIpc = ipcMain as unknown as {
  handlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>;
};
// Every export is declined at its start, as a cancelled save dialog does: nothing is ever written. The names the
// dialog was asked to offer are kept, to check that nothing but a plain file name ever got that far.
const offered: string[] = [];
const declined = async (_exportId: string, suggestedName: string) => (offered.push(suggestedName), null);
registerIpc(
  ipcMain,
  createHandlers(
    new SweepService(instantExecutor, { maxPendingResults: 100_000 }),
    new ExportSessions(instantExecutor, declined),
  ),
  mainFrameSenderCheck(() => mainFrame),
);

/**
 * The app's origin, written out from the rule rather than asked of src-main/app-origin.ts: in a built app (no dev
 * server, as registered above) it is app://lab, so a frame is at it when its URL is that origin followed by nothing, a
 * path, a query or a fragment. A port, credentials (app://evil@lab/), a longer host (app://lab.evil/) or any other
 * scheme is another origin.
 */
const atAppOrigin = (url: string): boolean => /^app:\/\/lab(?:[/?#]|$)/.test(url);

const channelByName = new Map<string, MethodName>(methodNames.map((name) => [Channels[name], name]));

/** A sender: ours, a near miss of ours, or any frame at all; sometimes none, sometimes one that throws when read. */
const sender = fc.oneof(
  { weight: 4, arbitrary: fc.constant<SenderFrame | null>(mainFrame) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        url: fc.oneof(
          fc.constantFrom(
            'app://lab/index.html',
            'app://lab',
            'app://lab/?x#y',
            'https://evil.example/',
            'file:///tmp/x.html',
            'app://evil@lab/',
            'app://lab.evil/',
            'app://lab:8080/',
            'http://lab/',
            'app://labs/',
          ),
          fc.webUrl(),
          fc.string(),
        ),
        parent: fc.constantFrom(null, mainFrame),
        processId: fc.constantFrom(7, 8),
        frameToken: fc.constantFrom('main', 'other'),
      })
      .map((frame) => frame as SenderFrame),
  },
  { weight: 1, arbitrary: fc.constantFrom<SenderFrame | null | 'throws'>(null, 'throws') },
);

const call = fc
  .oneof(
    { weight: 8, arbitrary: fc.constantFrom(...channelByName.keys()) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom(Channels.event, 'lab:delete-everything', 'LAB:LAUNCH-SWEEP', '__proto__'),
        fc.string(),
      ),
    },
  )
  .chain((channel) => {
    const name = channelByName.get(channel);
    const args = name
      ? fc.array(payloadFor(name), { minLength: 0, maxLength: 2 })
      : fc.array(anyPayload, { maxLength: 2 });
    return fc.record({
      channel: fc.constant(channel),
      senderFrame: sender,
      args: fc.oneof({ weight: 5, arbitrary: args.map((a) => a.slice(0, 1)) }, { weight: 1, arbitrary: args }),
    });
  });

describe('IPC', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('answers every invoke with a Result: untrusted senders refused first, payloads as the contract rules say', async () => {
    await fc.assert(
      fc.asyncProperty(call, async ({ channel, senderFrame, args }) => {
        const handler = fakeIpc.handlers.get(channel);
        const name = channelByName.get(channel);
        if (!name) {
          // Never registered, so Electron itself answers "No handler registered": nothing of ours runs.
          expect(handler).toBeUndefined();
          tally.record('IPC: unknown channels', false);
          return;
        }
        const event =
          senderFrame === 'throws'
            ? {
                get senderFrame(): never {
                  throw new Error('Render frame was disposed before WebFrameMain could be accessed');
                },
              }
            : { senderFrame };
        const result = await handler!(event, ...args);
        expectResult(result, `${channel} ${JSON.stringify(args).slice(0, 200)}`);
        // Our window's main frame is the one with its process and token, at the top, showing our origin.
        const trusted =
          typeof senderFrame === 'object' &&
          senderFrame !== null &&
          senderFrame.parent === null &&
          senderFrame.processId === mainFrame.processId &&
          senderFrame.frameToken === mainFrame.frameToken &&
          atAppOrigin(senderFrame.url);
        if (!trusted)
          expect(result).toEqual({
            ok: false,
            error: { code: 'unauthorized', message: 'Refused: message from an untrusted frame' },
          });
        else if (args.length > 1)
          expect(result).toMatchObject({
            ok: false,
            error: { code: 'invalid-input', message: expect.stringContaining('takes one payload') },
          });
        else expectAgreesWithSchema(name, args[0], result);
        tally.record(`IPC: ${trusted ? 'trusted' : 'untrusted'} senders`, result.ok);
      }),
      { numRuns: 4000, seed: FUZZ_SEED },
    );
    expect(tally.tried('IPC: trusted senders')).toBeGreaterThan(1000);
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.every((name) => name.length > 0 && !/[/\\:*?"<>|]/.test(name))).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
