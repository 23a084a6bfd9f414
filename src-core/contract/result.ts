/** What every handler returns across a process boundary: nothing throws across IPC or the socket. */
/** rate-limited: refused for now, not for what it asks (serve mode's launch budget, src-main/serve/launch-budget.ts). */
export type ErrorCode = 'invalid-input' | 'not-found' | 'unauthorized' | 'internal' | 'cancelled' | 'rate-limited';

export interface LabError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: LabError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

/** What went wrong, in words: an Error's message, or whatever else was thrown as text. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
