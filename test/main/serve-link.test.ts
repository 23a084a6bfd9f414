/**
 * Fresh sign-in links without a restart: serve mode's Unix domain socket (src-main/serve/link.ts), which only its user
 * can reach, and `adagrad-lab link --port N`, its client. Each link works once.
 */
import { mkdtemp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInRefusal } from '../../src-core/contract/socket';
import { linkCommand, linkFolder, linkSocketPath, listenForLinks, requestLink } from '../../src-main/serve/link';
import { createLabServer, type LabServer } from '../../src-main/serve/server';
import { SweepService } from '../../src-main/sweep-service';
import { mustSignIn, signInSocket } from '../helpers/serve-socket';
import { inProcessExecutor } from '../helpers/in-process-executor';

const TOKEN = 'link-test-token-0123456789abcdef';
const executor = inProcessExecutor();

let dir: string;
let folder: string;
let server: LabServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-link-'));
  folder = join(dir, 'links');
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  server = await createLabServer({
    service: new SweepService(executor),
    executor,
    staticDir: join(dir, 'renderer'),
    token: TOKEN,
    port: 0,
    log: () => {},
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const tokenOf = (link: string): string => link.split('#token=')[1];

describe.skipIf(process.platform === 'win32')('fresh links over a local socket', () => {
  it('answers each connection with a fresh single-use link, from a socket only this user can reach', async () => {
    const links = await listenForLinks(server.port, server.freshLink, folder);
    try {
      expect(links.path).toBe(linkSocketPath(server.port, folder));
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
      expect((await stat(links.path)).mode & 0o777).toBe(0o600);
      const [a, b] = [await requestLink(server.port, folder), await requestLink(server.port, folder)];
      expect(a).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{32}$`));
      expect(b).not.toBe(a);
      const signedIn = await mustSignIn(server.port, { token: tokenOf(a) });
      signedIn.ws.close();
      expect(await signInSocket(server.port, { token: tokenOf(a) })).toEqual({
        closed: SignInRefusal.badToken,
        reason: expect.any(String),
      });
      (await mustSignIn(server.port, { token: tokenOf(b) })).ws.close();
    } finally {
      await links.close();
    }
  });

  it('replaces the socket a killed server left, and refuses to take over one that answers', async () => {
    // What a SIGKILLed server leaves: the path exists, nothing listens there.
    const path = linkSocketPath(server.port, folder);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await writeFile(path, '');
    const live = await listenForLinks(server.port, server.freshLink, folder);
    expect(tokenOf(await requestLink(server.port, folder))).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // A running server's socket answers: a second one must not take it over.
    await expect(listenForLinks(server.port, server.freshLink, folder)).rejects.toThrow(/another server answers/);
    await live.close();
  });

  it('refuses a folder others can enter', async () => {
    const open = join(dir, 'open');
    await mkdir(open, { mode: 0o755 });
    await expect(listenForLinks(server.port, server.freshLink, open)).rejects.toThrow(/closed to others \(mode 0700\)/);
  });

  it('`adagrad-lab link` says what to do when no server answers, and refuses bad usage', async () => {
    await expect(requestLink(1, folder)).rejects.toThrow(
      /no AdaGrad Lab server on port 1 answers at .*Start one with `npm run serve -- --port 1`/,
    );
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      return {
        code: await linkCommand(
          argv,
          (l) => out.push(l),
          (l) => err.push(l),
        ),
        out,
        err,
      };
    };
    expect(await run(['--port', 'x'])).toMatchObject({
      code: 2,
      err: [expect.stringContaining('Invalid value for --port: "x" (must be a whole number from 1 to 65535)')],
    });
    expect(await run(['--host', 'a'])).toMatchObject({
      code: 2,
      err: [expect.stringContaining('Unknown option: --host (run with --help for the options)')],
    });
    expect(await run(['--port', '7312', '--port=7313'])).toMatchObject({
      code: 2,
      err: [expect.stringContaining('Invalid value for --port: given twice, "7312" then "7313" (must be given once)')],
    });
    expect(await run(['--help'])).toMatchObject({ code: 0, out: [expect.stringContaining('Usage: adagrad-lab link')] });
    expect(linkFolder({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/adagrad-lab');
    expect(linkFolder({})).toMatch(/adagrad-lab-/);
  });
});
