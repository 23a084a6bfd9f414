import { describe, expect, it, vi } from 'vitest';
import { createSaveFile } from '../../src-main/save-file';

describe('createSaveFile', () => {
  it('offers the suggested name with a CSV filter and writes where the user chose', async () => {
    const showSaveDialog = vi.fn(async () => ({ canceled: false, filePath: '/home/u/runs.csv' }));
    const writeFile = vi.fn(async () => undefined);
    const outcome = await createSaveFile({ showSaveDialog, writeFile })({ suggestedName: 'runs.csv', content: 'lr,loss\n' });
    expect(outcome).toEqual({ saved: true, path: '/home/u/runs.csv' });
    expect(showSaveDialog).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ defaultPath: 'runs.csv', filters: expect.arrayContaining([{ name: 'CSV', extensions: ['csv'] }]) }),
    );
    expect(writeFile).toHaveBeenCalledExactlyOnceWith('/home/u/runs.csv', 'lr,loss\n', 'utf8');
  });

  it('reports a cancelled dialog as not saved and writes nothing', async () => {
    const writeFile = vi.fn(async () => undefined);
    const save = createSaveFile({ showSaveDialog: async () => ({ canceled: true, filePath: '' }), writeFile });
    await expect(save({ suggestedName: 'runs.csv', content: 'x' })).resolves.toEqual({ saved: false });
    expect(writeFile).not.toHaveBeenCalled();
  });
});
