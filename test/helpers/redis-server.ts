/**
 * A real redis-server for a test (never a mock): on a free loopback port, without persistence (`--save ''
 * --appendonly no`), so a restart loses everything as a Redis without persistence does. Stopped, killed and restarted
 * on the same port by the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL: gone at once, as a crashed Redis. */
  kill(): Promise<void>;
  /** A fresh, empty server on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port (redis-server takes a few ms to listen). */
async function listening(port: number, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

export interface RedisServerOptions {
  /** The server requires it (requirepass), and `url` carries it. */
  readonly password?: string;
  /**
   * ACL users, each as a `user` line of redis.conf (`user alice on >secret ~key:* +get`), given to redis-server at
   * each start, so a restart keeps them.
   */
  readonly users?: readonly string[];
  /** TLS only (no plain port), with this certificate and key: `url` is then rediss://. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

export async function startRedisServer({ password, users = [], tls }: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  // With TLS, the port speaks TLS only (clients are not asked for certificates of their own).
  const tlsFiles = tls === undefined ? [] : ['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile];
  const listen =
    tls === undefined
      ? ['--port', String(port)]
      : ['--port', '0', '--tls-port', String(port), ...tlsFiles, '--tls-auth-clients', 'no'];
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      [
        ...listen,
        ...['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
        ...(password === undefined ? [] : ['--requirepass', password]),
        ...users.flatMap((line) => ['--user', ...line.replace(/^user /, '').split(' ')]),
      ],
      { stdio: 'ignore' },
    );
    await listening(port);
  };
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = null;
    if (!running) return;
    running.kill(signal);
    await exited(running);
  };
  await start();
  return {
    port,
    url: `${tls === undefined ? 'redis' : 'rediss'}://${password === undefined ? '' : `:${encodeURIComponent(password)}@`}127.0.0.1:${port}`,
    start,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/**
 * The ACL rule docs/agents.md gives a lab's own Redis user (`alice`, default queue `lab-alice`), as its `user` line
 * with `password`: read from the page, so the tests run with exactly what it tells people to use.
 */
export function documentedLabUser(password: string): string {
  const prefix = 'user alice on >PASSWORD ';
  const line = readFileSync('docs/agents.md', 'utf8')
    .split('\n')
    .find((text) => text.startsWith(prefix));
  if (line === undefined) throw new Error(`docs/agents.md has no line starting "${prefix}"`);
  return line.replace('>PASSWORD', `>${password}`);
}

/**
 * What a test file on Redis holds: `closers` (agents, executors, clients it made), run newest first by `closeAll`
 * after its tests, and `freshQueue`, a queue name no other test or process uses.
 */
export function redisTestResources(prefix: string): {
  closers: (() => Promise<void>)[];
  freshQueue: () => string;
  closeAll: () => Promise<void>;
} {
  const closers: (() => Promise<void>)[] = [];
  let queues = 0;
  return {
    closers,
    freshQueue: () => `${prefix}-${process.pid}-${++queues}`,
    closeAll: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
