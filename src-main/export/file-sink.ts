/**
 * An export written to a file. The text goes to a hidden temporary file next to it, which replaces the target only
 * when the export completes: a failed or cancelled export never leaves a half-written file, and never damages a file
 * that was there before.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeChunks, type ExportSink } from './sink';

/** Opens the temporary file; rejects (ENOENT, EACCES…) when the folder cannot take it. */
export async function openFileSink(path: string): Promise<ExportSink> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  const stream = createWriteStream(temporary, { flags: 'wx' });
  await once(stream, 'open');
  // Kept on the stream's `errored`; writeChunks and close report it.
  stream.on('error', () => undefined);
  return {
    write: (chunks) => writeChunks(stream, chunks),
    async finish() {
      try {
        await close(stream);
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { saved: true, path };
    },
    async abort() {
      // Closed before removed: Windows refuses to delete an open file.
      if (!stream.closed) await new Promise<void>((resolve) => stream.destroy().once('close', () => resolve()));
      await rm(temporary, { force: true }).catch(() => undefined);
    },
  };
}

/** Ends the stream and waits until its file is closed; rejects with the stream's error, if it had one. */
function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.errored) return reject(stream.errored);
    stream.once('close', () => (stream.errored ? reject(stream.errored) : resolve()));
    stream.end();
  });
}
