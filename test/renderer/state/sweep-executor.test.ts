/**
 * The "Run sweeps on" panel's state, wired to the real handlers and SweepService in process, and to a real
 * redis-server for the agents (no agent runs here: choosing agents does not need one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabApi } from '../../../src-core/contract/api';
import { ExportSessions } from '../../../src-main/export/sessions';
import { createHandlers } from '../../../src-main/handlers';
import { SweepExecutors } from '../../../src-main/sweep-executor';
import { SweepService } from '../../../src-main/sweep-service';
import { SweepExecutorSetting } from '../../../src-renderer/lib/state/sweep-executor.svelte';
import { inProcessExecutor } from '../../helpers/in-process-executor';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server';

const PASSWORD = 's3cret-of-the-lab';
let server: RedisServer;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startRedisServer({ password: PASSWORD });
});
afterAll(async () => {
  for (const close of closers) await close();
  await server.stop();
});

function wire(): Pick<LabApi, 'sweepExecutor' | 'testRedis'> {
  const service = new SweepService(inProcessExecutor());
  const executors = new SweepExecutors(service);
  closers.push(() => executors.close());
  const handlers = createHandlers(service, new ExportSessions(inProcessExecutor(), async () => null), executors);
  return { sweepExecutor: (request) => handlers.sweepExecutor(request), testRedis: (r) => handlers.testRedis(r) };
}

describe('SweepExecutorSetting', () => {
  it('starts on this computer, with nothing to apply', async () => {
    const setting = new SweepExecutorSetting(wire());
    await setting.load();
    expect(setting.current).toEqual({ on: 'this-computer', previousUntilSweepEnds: false });
    expect(setting.on).toBe('this-computer');
    expect(setting.changed).toBe(false);
    setting.on = 'agents';
    expect(setting.changed).toBe(true);
    expect(setting.choice).toEqual({ on: 'agents', url: '' });
  });

  it('shows the refusal of a bad URL, password masked, and keeps the setting', async () => {
    const setting = new SweepExecutorSetting(wire());
    await setting.load();
    setting.on = 'agents';
    setting.url = ` http://:${PASSWORD}@127.0.0.1:${server.port} `;
    await setting.apply();
    expect(setting.error).toBe(
      `Invalid value for the Redis URL: "http://:***@127.0.0.1:${server.port}" (the scheme is http:; must be redis://[user:password@]host[:port][/db], or rediss:// for TLS)`,
    );
    expect(setting.current?.on).toBe('this-computer');
    expect(setting.busy).toBeNull();
  });

  it('tests, applies agents, shows the URL masked, and keeps the password when the masked URL is sent back', async () => {
    const setting = new SweepExecutorSetting(wire());
    await setting.load();
    setting.on = 'agents';
    setting.url = server.url;
    setting.queue = 'desk-panel';
    await setting.test();
    expect(setting.tested?.connected).toBe(true);
    expect(setting.tested?.message).toMatch(/^Connected, but no agent is running on queue desk-panel: start one with/);
    await setting.apply();
    expect(setting.error).toBeNull();
    expect(setting.current).toMatchObject({ on: 'agents', queue: 'desk-panel', agents: [] });
    const masked = `redis://:***@127.0.0.1:${server.port}`;
    expect(setting.url).toBe(masked);
    expect(setting.changed).toBe(false);
    // The masked URL stands for the stored one: a test with it reaches the guarded Redis.
    await setting.test();
    expect(setting.tested?.connected).toBe(true);
    setting.queue = 'another';
    expect(setting.changed).toBe(true);
    setting.on = 'this-computer';
    await setting.apply();
    expect(setting.current).toEqual({ on: 'this-computer', previousUntilSweepEnds: false });
  });

  it('says an unreachable Redis is unreachable', async () => {
    const setting = new SweepExecutorSetting(wire());
    const dead = await startRedisServer();
    await dead.stop();
    setting.on = 'agents';
    setting.url = dead.url;
    await setting.test();
    expect(setting.tested).toEqual({
      connected: false,
      message: expect.stringMatching(
        new RegExp(`^Redis at 127\\.0\\.0\\.1:${dead.port} is unreachable \\(.*ECONNREFUSED`),
      ),
      agents: [],
    });
  });
});
