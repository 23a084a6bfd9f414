import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { maskPasswords, parseRedisUrl, queueName, RedisUrlError } from '../../../src-main/agents/redis-url';

describe('Redis URLs', () => {
  it('reads host, port, user and TLS, and shows the URL with its password masked', () => {
    const address = parseRedisUrl('--redis', 'rediss://alice:s3cr%40t@redis.lab.example:6380/2');
    expect(address).toMatchObject({
      shown: 'rediss://alice:***@redis.lab.example:6380/2',
      hostPort: 'redis.lab.example:6380',
      user: 'alice',
      tls: true,
    });
    expect(parseRedisUrl('--redis', 'redis://127.0.0.1')).toMatchObject({
      shown: 'redis://127.0.0.1',
      hostPort: '127.0.0.1:6379',
      user: 'default',
      tls: false,
    });
  });

  it.each([
    ['http://u:hunter22@h:1', 'the scheme is http:'],
    ['redis://u:hunter22@h/x', 'the database "x" is not a number'],
    ['redis://u:hunter22@h/1?tls=1', 'no query or fragment is read'],
    ['u:hunter22@h', 'the scheme is u:'],
    ['not a url hunter22', 'not a URL'],
  ])('refuses %s naming the flag and why, the password never shown', (given, why) => {
    const error = (() => {
      try {
        parseRedisUrl('--redis', given);
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(RedisUrlError);
    expect(error.message).toMatch(/^Invalid value for --redis: ".*" \(/);
    expect(error.message).toContain(why);
    if (given.includes('@')) expect(error.message).not.toContain('hunter22');
  });

  test.prop([
    fc.constantFrom('redis://', 'rediss://', 'http://', ''),
    fc.stringMatching(/^[\w.-]{0,8}$/),
    fc.stringMatching(/^[!-~]{0,20}$/).map((tail) => `PW${tail}`),
  ])('masks the password of any URL in a message, whatever it holds', (scheme, user, password) => {
    const text = `Redis said: "${scheme}${user}:${password}@host.example:6379/0" (refused)`;
    const masked = maskPasswords(text);
    expect(masked).toContain(`${scheme}${user}:***@host.example:6379/0`);
    expect(masked).not.toContain(`:${password}@`);
  });

  it('names the queue after the URL’s user unless given, and refuses names BullMQ cannot use', () => {
    const address = parseRedisUrl('--redis', 'redis://bob:pw@h');
    expect(queueName('--queue', undefined, address)).toBe('lab-bob');
    expect(queueName('--queue', 'team.a', address)).toBe('team.a');
    expect(() => queueName('--queue', 'a:b', address)).toThrow(
      'Invalid value for --queue: "a:b" (must be 1 to 64 letters, digits, _ . or -)',
    );
    expect(() => queueName('--queue', undefined, parseRedisUrl('--redis', 'redis://b%3Ab:pw@h'))).toThrow(
      /"lab-b:b".*so give --queue/,
    );
  });
});
