/**
 * The requests both transports answer, each validated against the shared schemas before anything runs.
 * Nothing throws out of here: every outcome is a Result.
 */
import * as v from 'valibot';
import {
  AcknowledgeSchema,
  ExportEndSchema,
  ExportPageSchema,
  ExportStartSchema,
  RedisTestSchema,
  ResumeSchema,
  SweepExecutorSchema,
  SweepIdSchema,
  validate,
  WorkerThreadsSchema,
} from '../src-core/contract/schemas';
import { fail, ok, type Result } from '../src-core/contract/result';
import type { MethodName, ReplyOf } from '../src-core/contract/methods';
import type { ExportSessions } from './export/sessions';
import { SweepExecutors } from './sweep-executor';
import type { SweepService } from './sweep-service';

/** One handler per method of the registry (src-core/contract/methods.ts), each given the payload unchecked. */
export type Handlers = { [K in MethodName]: (payload: unknown) => Promise<Result<ReplyOf<K>>> };

/** Validates `payload` with `schema`, then hands the typed value on; a refusal names the field and the rule. */
const checked =
  <S extends v.GenericSchema, T>(schema: S, handle: (value: v.InferOutput<S>) => Result<T> | Promise<Result<T>>) =>
  async (payload: unknown): Promise<Result<T>> => {
    const parsed = validate(schema, payload);
    return parsed.ok ? handle(parsed.value) : fail('invalid-input', parsed.message);
  };

/** `executors`: where sweeps run; by default on the service's own executor, switched to agents on request. */
export function createHandlers(
  service: SweepService,
  exports: ExportSessions,
  executors = new SweepExecutors(service),
): Handlers {
  return {
    launchSweep: async (payload) => service.launch(payload),
    acknowledge: checked(AcknowledgeSchema, (runIds) => ok(service.acknowledge(runIds))),
    resendPending: async () => ok(service.resendPending()),
    cancelSweep: checked(SweepIdSchema, (sweepId) => ok(service.cancel(sweepId))),
    resumeSweep: checked(ResumeSchema, (request) => service.resume(request)),
    startExport: checked(ExportStartSchema, (request) => exports.start(request)),
    writeExport: checked(ExportPageSchema, (page) => exports.write(page)),
    finishExport: checked(ExportEndSchema, (end) => exports.finish(end)),
    workerThreads: checked(WorkerThreadsSchema, ({ threads }) =>
      ok({ threads: threads === null ? service.threads : service.setThreads(threads), max: service.maxThreads }),
    ),
    sweepExecutor: checked(SweepExecutorSchema, (choice) =>
      choice === null ? ok(executors.state()) : executors.choose(choice),
    ),
    testRedis: checked(RedisTestSchema, ({ url, queue }) => executors.test(url, queue)),
  };
}
