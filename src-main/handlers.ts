/**
 * The requests both transports answer, each validated against the shared schemas before anything runs.
 * Nothing throws out of here: every outcome is a Result.
 */
import * as v from 'valibot';
import { AcknowledgeSchema, ExportEndSchema, ExportPageSchema, ExportStartSchema, ResumeSchema, SweepIdSchema, validate, WorkerThreadsSchema } from '../src-core/contract/schemas';
import { fail, ok, type Result } from '../src-core/contract/result';
import type { ExportOutcome, ExportStarted, WorkerThreads } from '../src-core/contract/api';
import type { SweepLaunched } from '../src-core/contract/types';
import type { ExportSessions } from './export/sessions';
import type { SweepService } from './sweep-service';

export interface Handlers {
  launchSweep(payload: unknown): Promise<Result<SweepLaunched>>;
  acknowledge(payload: unknown): Promise<Result<number>>;
  resendPending(payload: unknown): Promise<Result<number>>;
  cancelSweep(payload: unknown): Promise<Result<boolean>>;
  resumeSweep(payload: unknown): Promise<Result<SweepLaunched>>;
  startExport(payload: unknown): Promise<Result<ExportStarted>>;
  writeExport(payload: unknown): Promise<Result<number>>;
  finishExport(payload: unknown): Promise<Result<ExportOutcome>>;
  workerThreads(payload: unknown): Promise<Result<WorkerThreads>>;
}

/** Validates `payload` with `schema`, then hands the typed value on; a refusal names the field and the rule. */
const checked =
  <S extends v.GenericSchema, T>(schema: S, handle: (value: v.InferOutput<S>) => Result<T> | Promise<Result<T>>) =>
  async (payload: unknown): Promise<Result<T>> => {
    const parsed = validate(schema, payload);
    return parsed.ok ? handle(parsed.value) : fail('invalid-input', parsed.message);
  };

export function createHandlers(service: SweepService, exports: ExportSessions): Handlers {
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
  };
}

/** Method names as the transports carry them, mapped to the handler that answers. */
export const handlerNames = [
  'launchSweep',
  'acknowledge',
  'resendPending',
  'cancelSweep',
  'resumeSweep',
  'startExport',
  'writeExport',
  'finishExport',
  'workerThreads',
] as const satisfies readonly (keyof Handlers)[];
export type HandlerName = (typeof handlerNames)[number];
