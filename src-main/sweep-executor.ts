/**
 * Where sweeps run, as the user chose it: this machine's worker pool, or agents through a Redis queue
 * (agents/redis-executor.ts). It owns the Redis executor it made: switching away closes it once no sweep uses it (the
 * SweepService lets a running sweep finish on the executor it started on). It also tests a URL before it is chosen.
 *
 * The URL is the user's own setting: it is kept here and in the desktop's settings file (userData, readable by the user
 * only), and everything said of it — replies, messages — shows it with its password masked.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import type { AgentInfo, RedisTestOutcome, SweepExecutorChoice, SweepExecutorState } from '../src-core/contract/api';
import { errorMessage, fail, ok, type Result } from '../src-core/contract/result';
import type { ExecutorStatus } from '../src-core/contract/types';
import { unreachableMessage } from './agents/connection';
import {
  createRedisExecutor,
  unreadNote,
  type RedisExecutor,
  type RedisExecutorOptions,
} from './agents/redis-executor';
import { maskPasswords, parseRedisUrl, queueName, RedisUrlError, type RedisAddress } from './agents/redis-url';
import type { RangeExecutor } from './executor';
import type { SweepService } from './sweep-service';
import { Redis } from 'ioredis';

export const SWEEP_EXECUTOR_FILE = 'sweep-executor.json';
/** A saved choice is a URL and a queue name: far under this. */
const MAX_FILE_BYTES = 8192;
/** How long a connection test waits for Redis, then for the agents' announcements. */
const TEST_TIMEOUT_MS = 3_000;
/** How long Apply waits for the new queue's first look at its agents, so the reply can count them. */
const FIRST_LOOK_MS = 1_500;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/** The URL checked (refused with redis-url.ts's message, password masked) and the queue it names. */
function addressOf(url: string, queue: string | undefined): Result<{ address: RedisAddress; queue: string }> {
  try {
    const address = parseRedisUrl('the Redis URL', url);
    return ok({ address, queue: queueName('the queue', queue, address) });
  } catch (error) {
    if (error instanceof RedisUrlError) return fail('invalid-input', error.message);
    throw error;
  }
}

/** What the agents seen on a queue amount to: "2 agents (3 threads) of engine version 1". */
function describeAgents(agents: readonly AgentInfo[]): string {
  const compatible = agents.filter((agent) => agent.compatible);
  const threads = compatible.reduce((sum, agent) => sum + agent.threads, 0);
  const versions = [...new Set(compatible.map((agent) => agent.engine))].join(', ');
  const others = agents.length - compatible.length;
  return `${plural(compatible.length, 'agent')} (${plural(threads, 'thread')}) of engine version ${versions}${others > 0 ? `; ${plural(others, 'agent')} of another version left aside` : ''}`;
}

export interface SweepExecutorsOptions {
  /** Where sweeps run at start: serve mode's --redis, or the desktop's saved choice. */
  initial?: SweepExecutorChoice;
  /** Remembers each choice made (the desktop's settings file); absent: nothing is remembered (serve mode). */
  save?: (choice: SweepExecutorChoice) => void;
  /** Tests pass an engine version or a shorter wait; the app uses the defaults. */
  redis?: Pick<RedisExecutorOptions, 'engine'>;
  testTimeoutMs?: number;
}

interface AgentsInUse {
  readonly executor: RedisExecutor;
  /** The URL as given (it connects with it); replies carry its masked form. */
  readonly url: string;
  readonly shown: string;
  readonly queue: string;
  status: ExecutorStatus | null;
  readonly stopStatus: () => void;
}

export class SweepExecutors {
  /** The agents' executor when they are chosen; null: this computer. */
  private agents: AgentsInUse | null = null;
  private readonly save: (choice: SweepExecutorChoice) => void;
  private readonly testTimeoutMs: number;
  /** The Redis executors made here and not closed yet: the one chosen, and any a running sweep still uses. */
  private readonly open = new Set<RedisExecutor>();

  /** "This computer": the executor the service was made with (its worker pool). */
  private readonly local: RangeExecutor;

  constructor(
    private readonly service: SweepService,
    private readonly options: SweepExecutorsOptions = {},
  ) {
    this.local = service.currentExecutor;
    this.save = options.save ?? (() => undefined);
    this.testTimeoutMs = options.testTimeoutMs ?? TEST_TIMEOUT_MS;
  }

  /** Applies the initial choice; a saved one that no longer parses leaves sweeps on this computer. */
  async start(): Promise<Result<SweepExecutorState>> {
    const initial = this.options.initial;
    return initial?.on === 'agents' ? this.choose(initial, false) : ok(this.state());
  }

  state(): SweepExecutorState {
    const previousUntilSweepEnds = this.service.executorSwitchPending;
    const agents = this.agents;
    if (!agents) return { on: 'this-computer', previousUntilSweepEnds };
    return {
      on: 'agents',
      url: agents.shown,
      queue: agents.queue,
      agents: agents.executor.agents().map((agent) => ({ ...agent })),
      status: agents.status,
      previousUntilSweepEnds,
    };
  }

  /** Runs the next sweeps where `choice` says; the same choice again changes nothing. */
  async choose(choice: SweepExecutorChoice, remember = true): Promise<Result<SweepExecutorState>> {
    if (choice.on === 'this-computer') {
      if (this.agents) this.switchTo(this.local, null);
      if (remember) this.save(choice);
      return ok(this.state());
    }
    // The masked URL sent back unchanged (the panel shows it so) keeps the password it stands for.
    const url = this.agents && choice.url === this.agents.shown ? this.agents.url : choice.url;
    const checked = addressOf(url, choice.queue);
    if (!checked.ok) return checked;
    const { address, queue } = checked.value;
    if (this.agents?.url !== address.url || this.agents.queue !== queue) {
      const executor = createRedisExecutor({ url: address.url, queue, ...this.options.redis });
      this.open.add(executor);
      const inUse: AgentsInUse = {
        executor,
        url: address.url,
        shown: address.shown,
        queue,
        status: null,
        stopStatus: executor.onStatus((status) => (inUse.status = status)),
      };
      this.switchTo(executor, inUse);
      await within(executor.ready(), FIRST_LOOK_MS);
    }
    if (remember) this.save({ on: 'agents', url: address.url, ...(choice.queue === undefined ? {} : { queue }) });
    return ok(this.state());
  }

  /**
   * Connects to `url` for at most a few seconds and says what is there: Redis unreachable (why), the queue refused to
   * the URL's user (what it lacks), or reachable with the agents on the queue, or none ("start one with …"). Nothing
   * is changed.
   */
  async test(url: string, queue: string | undefined): Promise<Result<RedisTestOutcome>> {
    const given = this.agents && url === this.agents.shown ? this.agents.url : url;
    const checked = addressOf(given, queue);
    if (!checked.ok) return checked;
    const { address, queue: name } = checked.value;
    const reached = await this.reach(address);
    if (reached !== null) return ok({ connected: false, message: reached, agents: [] });
    const probe = createRedisExecutor({ url: address.url, queue: name, ...this.options.redis });
    try {
      const looked = await within(probe.ready(), this.testTimeoutMs);
      if (looked === 'timeout') {
        return ok({
          connected: false,
          message: `Redis at ${address.hostPort} answered, then did not list the agents within ${this.testTimeoutMs / 1000} s`,
          agents: [],
        });
      }
      // Redis answered, refusing the user this queue: what it lacks, not "no agent".
      if (probe.denied !== null) return ok({ connected: false, message: probe.denied, agents: [] });
      const agents: AgentInfo[] = probe.agents().map((agent) => ({ ...agent }));
      const message = agents.some((agent) => agent.compatible)
        ? `Connected: ${describeAgents(agents)}`
        : `Connected, but no agent ${agents.length > 0 ? 'of this lab’s engine version ' : ''}is running on queue ${name}: start one with adagrad-lab agent --redis ${address.shown} --queue ${name}`;
      return ok({ connected: true, message: message + unreadNote(probe.unread), agents });
    } finally {
      await probe.close();
    }
  }

  /**
   * Closes every executor this made, at once (the app is quitting: a sweep still running on agents ends with it, its
   * tasks left for no one). The local pool is its owner's to close.
   */
  async close(): Promise<void> {
    this.agents?.stopStatus();
    this.agents = null;
    const closing = [...this.open].map((executor) => executor.close());
    this.open.clear();
    await Promise.allSettled(closing);
  }

  /** One attempt to connect and PING within the test's time: null when Redis answered, else why not. */
  private async reach(address: RedisAddress): Promise<string | null> {
    const redis = new Redis(address.url, {
      lazyConnect: true,
      connectTimeout: this.testTimeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // ioredis rejects with "Connection is closed."; the reason (ECONNREFUSED, WRONGPASS …) comes as an 'error' event.
    let reason: unknown = null;
    redis.on('error', (error: unknown) => (reason ??= error));
    try {
      const answered = await within(
        redis.connect().then(() => redis.ping()),
        this.testTimeoutMs,
      );
      return answered === 'timeout'
        ? unreachableMessage(address, `no answer within ${this.testTimeoutMs / 1000} s`)
        : null;
    } catch (error) {
      return unreachableMessage(address, maskPasswords(errorMessage(reason ?? error)));
    } finally {
      redis.disconnect();
    }
  }

  /** The service runs the next sweeps on `executor`; the Redis executor it lets go of is closed once no sweep uses it. */
  private switchTo(executor: RangeExecutor, agents: AgentsInUse | null): void {
    const leaving = this.agents;
    this.agents = agents;
    leaving?.stopStatus();
    void this.service
      .useExecutor(executor)
      .then((previous) => {
        // Closed already when the app quit meanwhile; never the one chosen again.
        if (previous === this.agents?.executor || !this.open.delete(previous as RedisExecutor)) return;
        return previous.close();
      })
      .catch(() => undefined);
  }
}

/**
 * The desktop's setting: the choice saved in the user's data folder `dir` last time is applied at start (a file that
 * is missing or not exactly a choice: this computer), and every choice made is saved there.
 */
export function rememberedExecutors(service: SweepService, dir: string): SweepExecutors {
  const file = join(dir, SWEEP_EXECUTOR_FILE);
  return new SweepExecutors(service, {
    initial: loadExecutorChoice(file),
    save: (choice) => saveExecutorChoice(file, choice),
  });
}

/** The desktop's saved choice, as read back: only exactly a choice (else sweeps run on this computer). */
const SavedChoiceSchema = v.variant('on', [
  v.strictObject({ on: v.literal('this-computer') }),
  v.strictObject({ on: v.literal('agents'), url: v.string(), queue: v.optional(v.string()) }),
]);

/** The choice saved in `file`, or undefined when there is none or it cannot be trusted. */
export function loadExecutorChoice(file: string): SweepExecutorChoice | undefined {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return undefined;
    const parsed = v.safeParse(SavedChoiceSchema, JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Saves the choice into `file` (written beside it, then moved into place; readable by the user only, as it may hold a
 * password). A disk that refuses leaves the choice in force until the app quits; nothing is logged.
 */
export function saveExecutorChoice(file: string, choice: SweepExecutorChoice): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = join(dirname(file), `.${SWEEP_EXECUTOR_FILE}.tmp`);
    writeFileSync(temporary, JSON.stringify(choice), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  } catch {
    // Read-only or full: the choice is not remembered, nothing worse.
  }
}
