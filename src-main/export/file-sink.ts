/**
 * An export written to a file. A regular file (or a new one) gets the text in a hidden temporary file next to it,
 * which replaces it only when the export completes: a failed or cancelled export never leaves a half-written file,
 * and never damages a file that was there before. A symlink is written through: its target is replaced the same
 * way and the link stays a link. Anything else (a FIFO, a device such as /dev/null, /dev/fd/N from a shell's process
 * substitution) is written as a stream: renaming a file over it would destroy it, and a reader waits on it.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { access, chmod, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeChunks, type ExportSink } from './sink';

/** A file sink that can be completed in two steps, so several outputs are put in place only once all are written. */
export interface FileSink extends ExportSink {
  /** Writes out what is buffered and closes the file, without putting it in place; rejects when writing failed. */
  complete(): Promise<void>;
}

/** The temporaries not yet renamed or removed, so a signal can remove them even before the export ends. */
const liveTemporaries = new Set<string>();

/** Removes every temporary still open (for a signal handler that ends the process at once). */
export function removeTemporariesSync(): void {
  for (const temporary of liveTemporaries) rmSync(temporary, { force: true });
  liveTemporaries.clear();
}

/**
 * Opens the export's destination: refuses a folder (EISDIR), and creates the temporary file or opens the stream, so
 * every destination is checked before anything is computed. Rejects (ENOENT, EACCES, EISDIR…) when it cannot be written.
 */
export async function openFileSink(path: string): Promise<FileSink> {
  const destination = await destinationOf(path);
  return 'stream' in destination
    ? openStreamSink(destination.stream)
    : openReplacingSink(destination.replace, destination.mode);
}

/** Paths the system makes for streams (/dev/stdout, /dev/fd/N, /proc/self/fd/N), whatever they point to. */
const SYSTEM_STREAM = /^\/(?:dev|proc)\//;

/**
 * `mode`: the permission bits of the file replaced, which its replacement keeps. A file this user may not write is
 * refused (EACCES) as a shell's `>` refuses it: the rename needs only the folder's permission, and had replaced a
 * read-only file, or another user's, and turned a 0600 file into a 0644 one.
 */
async function destinationOf(path: string): Promise<{ stream: string } | { replace: string; mode?: number }> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (stats?.isDirectory()) throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
  if ((stats && !stats.isFile()) || SYSTEM_STREAM.test(resolve(path))) return { stream: path };
  if (!stats) return { replace: await linkTarget(path) };
  await access(path, constants.W_OK);
  return { replace: await linkTarget(path), mode: stats.mode & 0o777 };
}

/**
 * Which file a destination is, to tell two outputs that lead to one (a link and its target, two hard links, /dev/stdout
 * and stdout's pipe): its device and inode when it exists, else the path a write would replace. Null for a character
 * device (/dev/null, a terminal), which several outputs may share.
 */
export async function fileIdentity(path: string): Promise<string | null> {
  const stats = await stat(path).catch(() => null);
  if (stats?.isCharacterDevice()) return null;
  return stats ? `inode ${stats.dev}:${stats.ino}` : `path ${resolve(await linkTarget(path))}`;
}

/** Where a symlink points (through every link), the path itself when it is none; a dangling link's target, one level. */
async function linkTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const target = await readlink(path).catch(() => null);
    return target === null ? path : resolve(dirname(path), target);
  }
}

function sinkOver(
  stream: WriteStream,
  place: () => Promise<void>,
  discard: () => Promise<void>,
  path: string,
): FileSink {
  // Kept on the stream's `errored`; writeChunks and close report it.
  stream.on('error', () => undefined);
  let completed: Promise<void> | null = null;
  const complete = (): Promise<void> => (completed ??= close(stream));
  return {
    write: (chunks) => writeChunks(stream, chunks),
    complete,
    async finish() {
      try {
        await complete();
        await place();
      } catch (error) {
        await discard();
        throw error;
      }
      return { saved: true, path };
    },
    async abort() {
      // Closed before removed: Windows refuses to delete an open file.
      if (!stream.closed)
        await new Promise<void>((resolveClose) => stream.destroy().once('close', () => resolveClose()));
      await discard().catch(() => undefined);
    },
  };
}

async function openReplacingSink(path: string, mode: number | undefined): Promise<FileSink> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  const stream = createWriteStream(temporary, { flags: 'wx' });
  await once(stream, 'open');
  liveTemporaries.add(temporary);
  // Set after it is made: the mode given at creation is narrowed by the umask.
  if (mode !== undefined) await chmod(temporary, mode);
  const forget = (): void => void liveTemporaries.delete(temporary);
  return sinkOver(
    stream,
    async () => {
      await rename(temporary, path);
      forget();
    },
    async () => {
      await rm(temporary, { force: true });
      forget();
    },
    path,
  );
}

/** /dev/fd/N or /proc/self/fd/N: a descriptor this process inherited. */
const INHERITED_FD = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/;

async function openStreamSink(path: string): Promise<FileSink> {
  // A FIFO opens once a reader has opened it; what was written cannot be taken back, so discarding does nothing.
  let stream = createWriteStream(path, { flags: 'w' });
  try {
    await once(stream, 'open');
  } catch (error) {
    // A socket cannot be opened again by name (ENXIO): an inherited one is written through its descriptor.
    const fd = INHERITED_FD.exec(resolve(path));
    if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || !fd) throw error;
    stream = createWriteStream('', { fd: Number(fd[1]) });
  }
  return sinkOver(
    stream,
    async () => undefined,
    async () => undefined,
    path,
  );
}

/** Ends the stream and waits until its file is closed; rejects with the stream's error, if it had one. */
function close(stream: WriteStream): Promise<void> {
  return new Promise((resolveClose, reject) => {
    if (stream.errored) return reject(stream.errored);
    if (stream.closed) return resolveClose();
    stream.once('close', () => (stream.errored ? reject(stream.errored) : resolveClose()));
    stream.end();
  });
}
