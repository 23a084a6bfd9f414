/**
 * The Redis address agents and the lab meet at, as given on a command line: `redis://[user:password@]host[:port][/db]`,
 * or `rediss://` for TLS. Checked before any connection is tried, and shown only with its password masked, in every
 * message, so a credential never reaches a log or an output.
 */

export interface RedisAddress {
  /** As given: what ioredis connects with (it reads user, password, db and TLS from it). */
  readonly url: string;
  /** The URL with its password replaced by ***: the only form ever printed. */
  readonly shown: string;
  /** host:port, for "Redis at host:port is unreachable". */
  readonly hostPort: string;
  /** The ACL user named in the URL, or 'default' (Redis's own name for the user without one). */
  readonly user: string;
  readonly tls: boolean;
}

/** A Redis URL that cannot be used; its message names the flag, the URL (password masked) and what is allowed. */
export class RedisUrlError extends Error {}

const MASK = '***';

/**
 * `text` with every `user:password@` in it masked, in a URL of any scheme or none (up to the word's last @, so a
 * password holding an @ is masked whole): for messages that quote what was given, a mistyped URL included.
 */
export const maskPasswords = (text: string): string =>
  text.replace(/(^|[\s"'(])([a-z][\w+.-]*:\/\/)?([^\s:@"']*):\S*@/gi, `$1$2$3:${MASK}@`);

export function parseRedisUrl(flag: string, given: string): RedisAddress {
  const refuse = (why: string): RedisUrlError =>
    new RedisUrlError(
      `Invalid value for ${flag}: ${JSON.stringify(maskPasswords(given))} (${why}; must be redis://[user:password@]host[:port][/db], or rediss:// for TLS)`,
    );
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw refuse(`the scheme is ${url.protocol}`);
  if (url.hostname === '') throw refuse('no host');
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw refuse(`the database ${JSON.stringify(db)} is not a number`);
  if (url.search !== '' || url.hash !== '') throw refuse('no query or fragment is read');
  const tls = url.protocol === 'rediss:';
  const port = url.port === '' ? '6379' : url.port;
  const shownUrl = new URL(url.href);
  if (shownUrl.password !== '') shownUrl.password = MASK;
  return {
    url: url.href,
    shown: shownUrl.href.replace(/\/$/, ''),
    hostPort: `${url.hostname}:${port}`,
    user: url.username === '' ? 'default' : decodeURIComponent(url.username),
    tls,
  };
}

/** Queue names: what BullMQ allows in a key (no ':'), short enough to read in a message. */
const QUEUE_NAME = /^[\w.-]{1,64}$/;

/**
 * The lab's queue: as given, or `lab-<user>` from the URL's ACL user (`lab-default` without one). A lab is an ACL user:
 * two labs on one Redis each get their own user (whose key pattern can keep each to its own keys, docs/agents.md) and
 * so their own queue without a flag; or they pass --queue.
 */
export function queueName(flag: string, given: string | undefined, address: RedisAddress): string {
  const name = given ?? `lab-${address.user}`;
  if (!QUEUE_NAME.test(name)) {
    throw new RedisUrlError(
      `Invalid value for ${flag}: ${JSON.stringify(name)} (must be 1 to 64 letters, digits, _ . or -${given === undefined ? '; the Redis user names the default queue, so give --queue' : ''})`,
    );
  }
  return name;
}
