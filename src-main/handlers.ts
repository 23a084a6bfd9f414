/**
 * The requests both transports answer, each validated against the shared schemas before anything runs.
 * Nothing throws out of here: every outcome is a Result.
 */
import { AcknowledgeSchema, ResumeSchema, SaveFileSchema, SweepIdSchema, validate } from '../src-core/contract/schemas';
import { fail, ok, type Result } from '../src-core/contract/result';
import type { SaveFileOutcome, SaveFileRequest } from '../src-core/contract/api';
import type { SweepLaunched } from '../src-core/contract/types';
import type { SweepService } from './sweep-service';

export interface Handlers {
  launchSweep(payload: unknown): Promise<Result<SweepLaunched>>;
  acknowledge(payload: unknown): Promise<Result<number>>;
  resendPending(payload: unknown): Promise<Result<number>>;
  saveFile(payload: unknown): Promise<Result<SaveFileOutcome>>;
  cancelSweep(payload: unknown): Promise<Result<boolean>>;
  resumeSweep(payload: unknown): Promise<Result<SweepLaunched>>;
}

export type SaveFile = (request: SaveFileRequest) => Promise<SaveFileOutcome>;

export function createHandlers(service: SweepService, saveFile: SaveFile | null): Handlers {
  return {
    launchSweep: async (payload) => service.launch(payload),
    acknowledge: async (payload) => {
      const checked = validate(AcknowledgeSchema, payload);
      return checked.ok ? ok(service.acknowledge(checked.value)) : fail('invalid-input', checked.message);
    },
    resendPending: async () => ok(service.resendPending()),
    cancelSweep: async (payload) => {
      const checked = validate(SweepIdSchema, payload);
      return checked.ok ? ok(service.cancel(checked.value)) : fail('invalid-input', checked.message);
    },
    resumeSweep: async (payload) => {
      const checked = validate(ResumeSchema, payload);
      return checked.ok ? service.resume(checked.value) : fail('invalid-input', checked.message);
    },
    saveFile: async (payload) => {
      if (!saveFile) return fail('not-found', 'Saving files is done by the browser in serve mode');
      const checked = validate(SaveFileSchema, payload);
      if (!checked.ok) return fail('invalid-input', checked.message);
      try {
        return ok(await saveFile(checked.value));
      } catch (error) {
        return fail('internal', `Could not save ${checked.value.suggestedName}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

/** Method names as the transports carry them, mapped to the handler that answers. */
export const handlerNames = ['launchSweep', 'acknowledge', 'resendPending', 'saveFile', 'cancelSweep', 'resumeSweep'] as const satisfies readonly (keyof Handlers)[];
export type HandlerName = (typeof handlerNames)[number];
export const isHandlerName = (name: unknown): name is HandlerName => handlerNames.includes(name as HandlerName);
