/**
 * The command line on agents as a person runs it: the built out/main/cli.js (`npx electron-vite build` first) as the
 * lab with --redis and as `agent` processes, against a real redis-server that requires a password and has the lab user
 * of docs/agents.md (`alice`, confined to queue lab-alice); the files written held byte for byte against the same
 * command run locally.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '../../../src-main/agents/protocol';
import { documentedLabUser, startRedisServer, type RedisServer } from '../../helpers/redis-server';
import { mixedAgentsSweep } from '../../helpers/configs';

const cliFile = resolve('out/main/cli.js');
const PASSWORD = 'not-to-be-printed-7f3a';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, env = process.env): Promise<Ran> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliFile, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

interface AgentProcess {
  child: ChildProcess;
  /** What it printed so far. */
  readonly log: () => string;
  /** Resolves with its exit code once it has ended. */
  readonly ended: Promise<number | null>;
}

/** An agent process, resolved once it says it is connected; without `queue`, on the URL's user's default queue. */
async function agent(
  url: string,
  { queue, threads = 1, env = process.env }: { queue?: string; threads?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<AgentProcess> {
  const queueFlag = queue === undefined ? [] : ['--queue', queue];
  const child = spawn(
    process.execPath,
    [cliFile, 'agent', '--redis', url, ...queueFlag, '--threads', String(threads)],
    {
      env,
    },
  );
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const ended = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  running.push(child);
  await until('the agent connected', () => / Connected to /.test(log));
  return { child, log: () => log, ended };
}

/** A CA, and a certificate for 127.0.0.1 it signed, made by openssl in `dir`: a Redis over TLS as docs/agents.md has it. */
function certificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const [caFile, caKey, certFile, keyFile, request, extensions] = [
    'ca.pem',
    'ca.key',
    's.pem',
    's.key',
    's.csr',
    'ext',
  ].map((name) => join(dir, name));
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '1',
    '-subj',
    '/CN=lab-test-ca',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', request, '-subj', '/CN=127.0.0.1');
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '1',
    '-extfile',
    extensions,
  );
  return { caFile, certFile, keyFile };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const mixedSpec = mixedAgentsSweep(300);

let server: RedisServer;
let dir: string;
const running: ChildProcess[] = [];
let queues = 0;
const freshQueue = (): string => `cli-${process.pid}-${++queues}`;

beforeAll(async () => {
  if (!existsSync(cliFile)) throw new Error(`${cliFile} is missing: run \`npx electron-vite build\` first`);
  server = await startRedisServer({ password: PASSWORD, users: [documentedLabUser(PASSWORD)] });
  dir = await mkdtemp(join(tmpdir(), 'lab-agents-'));
});
afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the command line on agents', () => {
  it('writes, with --redis and two agents, exactly the bytes of the local run; no password anywhere', async () => {
    const queue = freshQueue();
    await writeFile(join(dir, 'mixed.json'), JSON.stringify(mixedSpec));
    const agents = [await agent(server.url, { queue }), await agent(server.url, { queue })];
    const outputs = (name: string): string[] =>
      ['--summary', `${name}.csv`, '--traces', `${name}-traces.csv`, '--json', `${name}.json`].map((x) => x);
    const remote = await cli(['mixed.json', ...outputs('remote'), '--redis', server.url, '--queue', queue], dir);
    expect(remote.stderr).toMatch(/^2 agents \(2 threads\) on queue cli-/m);
    expect(remote.code).toBe(0);
    const local = await cli(['mixed.json', ...outputs('local'), '--quiet'], dir);
    expect(local.code).toBe(0);
    for (const [a, b] of [
      ['remote.csv', 'local.csv'],
      ['remote-traces.csv', 'local-traces.csv'],
      ['remote.json', 'local.json'],
    ]) {
      const [x, y] = [await readFile(join(dir, a)), await readFile(join(dir, b))];
      expect(x.length).toBeGreaterThan(1000);
      expect(x.equals(y)).toBe(true);
    }
    expect(await readFile(join(dir, 'remote.csv'), 'utf8')).toMatch(/,diverged,/);
    // Both agents computed; SIGTERM closes each with 0.
    for (const { child, log, ended } of agents) {
      expect(log()).toMatch(/Done task .* · 1 task done/);
      child.kill('SIGTERM');
      expect(await ended).toBe(0);
      expect(log()).toMatch(/Closed after \d+ tasks?\n$/);
    }
    const printed = [remote.stderr, remote.stdout, ...agents.map((a) => a.log())].join('\n');
    expect(printed).toContain('redis://:***@127.0.0.1');
    expect(printed).not.toContain(PASSWORD);
    for (const file of ['remote.csv', 'remote-traces.csv', 'remote.json'])
      expect(await readFile(join(dir, file), 'utf8')).not.toContain(PASSWORD);
  }, 60_000);

  it("re-delivers a SIGKILLed agent's task to another agent: every run once in the output, as the local run", async () => {
    const queue = freshQueue();
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const tasks = new Queue(queue, { connection, prefix: KEY_PREFIX });
    // Three runs of 4–8 s each: a task is one run (batches are sized by work), so the agent is killed mid-task, as
    // soon as Redis shows its first task taken (a fixed wait raced a fast machine, which finished the task first).
    const objective = 'ill-conditioned(dim=100000, condition=1e6)';
    const flags = ['--objective', objective, '--lr', '0.01, 0.02, 0.03', '--steps', '20000'];
    const first = await agent(server.url, { queue });
    const lab = cli([...flags, '--summary', 'killed.csv', '--redis', server.url, '--queue', queue], dir);
    await until('the first agent took a task', async () => (await tasks.getActiveCount()) === 1);
    first.child.kill('SIGKILL');
    expect(first.log()).not.toMatch(/Done task/);
    const killedAt = Date.now();
    const second = await agent(server.url, { queue });
    const remote = await lab;
    expect(remote.code).toBe(0);
    // The killed task went to the second agent once its lock expired: 4 s, plus up to two stalled checks of 2 s.
    expect(second.log().match(/Done task/g)).toHaveLength(3);
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    const local = await cli([...flags, '--summary', 'killed-local.csv', '--quiet'], dir);
    expect(local.code).toBe(0);
    const csv = await readFile(join(dir, 'killed.csv'), 'utf8');
    expect(csv).toBe(await readFile(join(dir, 'killed-local.csv'), 'utf8'));
    const ids = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((row) => row.split(',')[0]);
    expect(ids).toEqual(['cli:000000', 'cli:000001', 'cli:000002']);
    second.child.kill('SIGTERM');
    expect(await second.ended).toBe(0);
    await tasks.close();
    connection.disconnect();
  }, 180_000);

  it('follows the agents: one at the start, a second joins mid-sweep and takes tasks; the bytes of the local run', async () => {
    // As the lab user of docs/agents.md, on its default queue lab-alice. 240 runs of ~35 ms each: a task is one run
    // (batches are sized by work), ~8 s on one agent here, so the second joins long before the end.
    const alice = `redis://alice:${PASSWORD}@127.0.0.1:${server.port}`;
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const tasks = new Queue('lab-alice', { connection, prefix: KEY_PREFIX });
    const flags = ['--objective', 'ill-conditioned(dim=10000, condition=100)', '--lr', 'log(1e-4, 1, 240)'];
    const first = await agent(alice);
    const lab = cli([...flags, '--steps', '1000', '--summary', 'joined.csv', '--redis', alice], dir);
    await until('the first agent done a task', () => /Done task/.test(first.log()));
    const second = await agent(alice, { threads: 3 });
    // Sized at the start for one agent of one thread: two tasks at once and one waiting. Followed, the second agent's
    // three threads raise that: more tasks are queued at once than the start allowed.
    await until('more tasks in flight than one agent was sized for', async () => {
      const { active, waiting } = await tasks.getJobCounts('active', 'waiting');
      return active + waiting > 3;
    });
    const remote = await lab;
    expect(remote.code).toBe(0);
    expect(remote.stderr).toMatch(/^1 agent \(1 thread\) on queue lab-alice at redis:\/\/alice:\*\*\*@/m);
    expect(second.log()).toMatch(/Done task/);
    const local = await cli([...flags, '--steps', '1000', '--summary', 'joined-local.csv', '--quiet'], dir);
    expect(local.code).toBe(0);
    const [x, y] = [await readFile(join(dir, 'joined.csv')), await readFile(join(dir, 'joined-local.csv'))];
    expect(x.toString().split('\r\n')).toHaveLength(242);
    expect(x.equals(y)).toBe(true);
    for (const { child, ended } of [first, second]) {
      child.kill('SIGTERM');
      expect(await ended).toBe(0);
    }
    await tasks.close();
    connection.disconnect();
  }, 120_000);

  it("ends with 2 and no file when Redis refuses the URL's user the queue, saying what it lacks", async () => {
    const alice = `redis://alice:${PASSWORD}@127.0.0.1:${server.port}`;
    const ran = await cli(['--lr', '1', '--summary', 'refused.csv', '--redis', alice, '--queue', 'lab-bob'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(
      `Redis user alice may not use queue lab-bob at 127.0.0.1:${server.port}: it lacks the keys ~adagrad-lab:lab-bob:* (NOPERM `,
    );
    expect(ran.stderr).toMatch(/No file was written\.\n$/);
    expect(ran.stderr).not.toContain(PASSWORD);
    expect(existsSync(join(dir, 'refused.csv'))).toBe(false);
  });

  it('runs over TLS (rediss://), the CA given as docs/agents.md says: the bytes of the local run; untrusted, says why', async () => {
    const tls = certificates(dir);
    const secure = await startRedisServer({ password: PASSWORD, tls });
    try {
      const queue = freshQueue();
      // Without the CA the agent does not trust the server: it says so, and connects to nothing.
      const untrusting = spawn(process.execPath, [cliFile, 'agent', '--redis', secure.url, '--queue', queue]);
      running.push(untrusting);
      let refused = '';
      untrusting.stderr.setEncoding('utf8').on('data', (chunk: string) => (refused += chunk));
      await until('the agent says why', () => / is unreachable \(/.test(refused));
      expect(refused).toMatch(new RegExp(`Redis at 127\\.0\\.0\\.1:${secure.port} is unreachable \\(.*certificate`));
      untrusting.kill('SIGTERM');
      const env = { ...process.env, NODE_EXTRA_CA_CERTS: tls.caFile };
      const trusting = await agent(secure.url, { queue, env });
      const flags = ['--lr', 'log(1e-3, 1, 30)', '--steps', '200'];
      const remote = await cli([...flags, '--summary', 'tls.csv', '--redis', secure.url, '--queue', queue], dir, env);
      expect(remote.code).toBe(0);
      expect(remote.stderr).toContain(`on queue ${queue} at rediss://:***@127.0.0.1:${secure.port}`);
      expect(trusting.log()).toMatch(/Done task/);
      const local = await cli([...flags, '--summary', 'tls-local.csv', '--quiet'], dir);
      expect(local.code).toBe(0);
      const csv = await readFile(join(dir, 'tls.csv'), 'utf8');
      expect(csv.split('\r\n')).toHaveLength(32);
      expect(csv).toBe(await readFile(join(dir, 'tls-local.csv'), 'utf8'));
      expect([refused, remote.stderr, trusting.log()].join('\n')).not.toContain(PASSWORD);
      trusting.child.kill('SIGTERM');
      expect(await trusting.ended).toBe(0);
    } finally {
      await secure.stop();
    }
  }, 60_000);

  it('an agent whose Redis is unreachable says so, masked, and still ends at once on SIGTERM with 0', async () => {
    const dead = `redis://lab:${PASSWORD}@127.0.0.1:${server.port === 1 ? 2 : 1}`;
    const child = spawn(process.execPath, [cliFile, 'agent', '--redis', dead, '--threads', '1']);
    running.push(child);
    let log = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const ended = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await until('the agent says Redis is away', () => /Redis at 127\.0\.0\.1:\d+ is unreachable \(/.test(log));
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await ended).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(log).toContain('redis://lab:***@127.0.0.1');
    expect(log).not.toContain(PASSWORD);
  });

  it('the lab waits while Redis is unreachable, saying so, and Ctrl+C ends it with 130 and no file', async () => {
    const child = spawn(
      process.execPath,
      [cliFile, '--lr', '1', '--summary', 'never.csv', '--redis', 'redis://127.0.0.1:1'],
      {
        cwd: dir,
      },
    );
    running.push(child);
    let log = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const ended = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await until('the lab says Redis is away', () => log.includes('; the sweep continues when it is back'));
    expect(log).toMatch(/^Redis at 127\.0\.0\.1:1 is unreachable \(.+\); the sweep continues when it is back$/m);
    child.kill('SIGINT');
    expect(await ended).toBe(130);
    expect(log).toContain('Interrupted: no file was written.');
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });

  it('refuses a bad --redis URL with exit 2, the password masked', async () => {
    const ran = await cli(['--lr', '1', '--redis', `http://user:${PASSWORD}@host:1`], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('Invalid value for --redis: "http://user:***@host:1" (the scheme is http:');
    expect(ran.stderr).not.toContain(PASSWORD);
    const agentRan = await cli(['agent', '--redis', `redis://u:${PASSWORD}@host/x`], dir);
    expect(agentRan.code).toBe(2);
    expect(agentRan.stderr).toContain('the database "x" is not a number');
    expect(agentRan.stderr).not.toContain(PASSWORD);
  });

  it('an agent refuses a flag given twice, the passwords masked (the last had won silently)', async () => {
    const ran = await cli(['agent', '--redis', `redis://:${PASSWORD}@a`, '--redis', `redis://:${PASSWORD}@b`], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(
      'Invalid value for --redis: given twice, "redis://:***@a" then "redis://:***@b" (must be given once)',
    );
    expect(ran.stderr).not.toContain(PASSWORD);
  });
});
