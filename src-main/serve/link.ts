/**
 * Fresh sign-in links without a restart. Serve mode listens on a Unix domain socket that only its user can reach (in
 * a folder of mode 0700: $XDG_RUNTIME_DIR/adagrad-lab, else <tmpdir>/adagrad-lab-<uid>; the socket itself 0600),
 * named by the TCP port; each connection is answered with one fresh single-use link and closed.
 * `adagrad-lab link --port N` (src-main/cli.ts) is the client.
 */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../src-core/contract/result';
import { CliUsageError, parseFlags } from '../cli/args';
import { parseWholeNumber } from '../flag-values';
import { DEFAULT_PORT } from './args';

/** The folder the link sockets are in: the user's runtime folder, else one of the user's own in the temporary folder. */
export function linkFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'adagrad-lab')
    : join(tmpdir(), `adagrad-lab-${process.getuid?.() ?? 'user'}`);
}

export const linkSocketPath = (port: number, folder = linkFolder()): string => join(folder, `port-${port}.sock`);

/** Makes `folder` (0700) and checks that it is a real folder of this user that nobody else may enter. */
async function ownFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const info = await lstat(folder);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw new Error(`${folder} is not a folder of this user closed to others (mode 0700)`);
  }
}

export interface LinkListener {
  path: string;
  close(): Promise<void>;
}

/**
 * Listens at linkSocketPath(port): every connection gets `fresh()` and a newline. A socket left by a server that was
 * killed is replaced; one that answers belongs to a running server, and is an error.
 */
export async function listenForLinks(port: number, fresh: () => string, folder = linkFolder()): Promise<LinkListener> {
  if (process.platform === 'win32') throw new Error('fresh links over a local socket are not available on Windows');
  await ownFolder(folder);
  const path = linkSocketPath(port, folder);
  const server: Server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(`${fresh()}\n`);
  });
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (
      await requestLink(port, folder).then(
        () => true,
        () => false,
      )
    )
      throw new Error(`another server answers at ${path}`, { cause: error });
    await unlink(path);
    await listen();
  }
  await chmod(path, 0o600);
  return {
    path,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Asks the server on `port` for a fresh link; rejects with a message saying what to do when none answers. */
export function requestLink(port: number, folder = linkFolder()): Promise<string> {
  const path = linkSocketPath(port, folder);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () =>
      text.endsWith('\n') ? resolve(text.trim()) : reject(new Error(`an incomplete answer from ${path}`)),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? `no AdaGrad Lab server on port ${port} answers at ${path}`
          : error.message;
      reject(
        new Error(
          `${why}. Start one with \`npm run serve -- --port ${port}\`, or give the port it prints with --port N.`,
        ),
      );
    });
  });
}

const linkUsage = `Usage: adagrad-lab link [--port N]
  Prints a fresh single-use sign-in link of the AdaGrad Lab server (npm run serve) on port N (default ${DEFAULT_PORT}).`;

const linkOptions = { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** `adagrad-lab link [--port N]`: prints a fresh link; the exit code (0, or 2 for bad usage, 1 when no server answers). */
export async function linkCommand(
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let port = DEFAULT_PORT;
  try {
    const { values } = parseFlags(argv, { options: linkOptions, allowPositionals: false });
    if (values.help) {
      out(linkUsage);
      return 0;
    }
    if (values.port !== undefined)
      port = parseWholeNumber('--port', values.port, 1, 65535, (message) => new CliUsageError(message));
  } catch (error) {
    err(`${errorMessage(error)}\n${linkUsage}`);
    return 2;
  }
  try {
    out(await requestLink(port));
    return 0;
  } catch (error) {
    err(errorMessage(error));
    return 1;
  }
}
