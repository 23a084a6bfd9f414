/** Where an export's text goes, and the one way text is written to a Node stream: in order, with back-pressure. */
import type { Writable } from 'node:stream';
import type { ExportOutcome } from '../../src-core/contract/api';

/** A file (the desktop, the command line), a download (serve mode) or stdout (the command line). */
export interface ExportSink {
  /** Writes the chunks in order, waiting whenever the destination is full; rejects when it failed or closed. */
  write(chunks: Iterable<string>): Promise<void>;
  /** Completes it: the file is in place, the download has ended. */
  finish(): Promise<ExportOutcome>;
  /** Discards it: a partial file is removed, a download broken off. Never rejects. */
  abort(): Promise<void>;
}

/**
 * Writes `chunks` to `stream`, waiting for 'drain' whenever write() says the stream is full, so a slow disk or a slow
 * download holds the producer back instead of filling memory. Rejects once the stream has failed or closed. The stream
 * must have an 'error' listener of its own (an unhandled 'error' event would end the process).
 */
export async function writeChunks(stream: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (stream.destroyed || stream.writableEnded) throw closedError(stream);
    if (!stream.write(chunk)) await drained(stream);
  }
}

const closedError = (stream: Writable): Error => stream.errored ?? new Error(CLOSED);

const CLOSED = 'the destination closed before everything was written';

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | null): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => settle(null);
    // A failing stream emits 'error' and then 'close'; `errored` holds the reason by then, except on process.stdout,
    // which is never destroyed and forgets it (stdout on a full disk said "closed"): the 'error' itself is taken.
    const onError = (error: NodeJS.ErrnoException): void => settle(error.code === 'EPIPE' ? new Error(CLOSED) : error);
    const onClose = (): void => settle(closedError(stream));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
