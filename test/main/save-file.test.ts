import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openFileSink } from '../../src-main/export/file-sink';
import { createSaveDialogSink } from '../../src-main/save-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-save-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createSaveDialogSink', () => {
  it('offers the suggested name with a CSV filter and writes where the user chose', async () => {
    const path = join(dir, 'runs.csv');
    const showSaveDialog = vi.fn(async () => ({ canceled: false, filePath: path }));
    const sink = await createSaveDialogSink({ showSaveDialog })('export-1', 'runs.csv', 'summary');
    expect(showSaveDialog).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({
        defaultPath: 'runs.csv',
        filters: expect.arrayContaining([{ name: 'CSV', extensions: ['csv'] }]),
      }),
    );
    await sink!.write(['lr,loss\r\n', '1,16\r\n']);
    await expect(sink!.finish()).resolves.toEqual({ saved: true, path });
    expect(await readFile(path, 'utf8')).toBe('lr,loss\r\n1,16\r\n');
  });

  it('offers a Runs JSON with a JSON filter', async () => {
    const showSaveDialog = vi.fn(async () => ({ canceled: true, filePath: '' }));
    await createSaveDialogSink({ showSaveDialog })('export-1', 'runs.json', 'runs');
    expect(showSaveDialog).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ filters: [{ name: 'Runs JSON', extensions: ['json'] }, expect.anything()] }),
    );
  });

  it('opens nothing when the dialog is cancelled', async () => {
    const open = createSaveDialogSink({ showSaveDialog: async () => ({ canceled: true, filePath: '' }) });
    await expect(open('export-1', 'runs.csv', 'summary')).resolves.toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('openFileSink', () => {
  it('shows nothing at the path until the export completes, then the whole file', async () => {
    const path = join(dir, 'traces.csv');
    const sink = await openFileSink(path);
    await sink.write(['a\r\n']);
    expect(await readdir(dir)).not.toContain('traces.csv');
    await sink.finish();
    expect(await readdir(dir)).toEqual(['traces.csv']);
  });

  it('leaves a file that was there untouched, and no partial file, when the export is discarded', async () => {
    const path = join(dir, 'runs.csv');
    await writeFile(path, 'the old export\n');
    const sink = await openFileSink(path);
    await sink.write(['half of the new one']);
    await sink.abort();
    expect(await readdir(dir)).toEqual(['runs.csv']);
    expect(await readFile(path, 'utf8')).toBe('the old export\n');
  });

  it('refuses a folder that does not exist', async () => {
    await expect(openFileSink(join(dir, 'missing', 'runs.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
