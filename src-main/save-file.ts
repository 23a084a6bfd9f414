/** Desktop file saving: the user picks the place in a native dialog; cancelling is an outcome, not an error. */
import type { SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import type { SaveFile } from './handlers';

export interface SaveFileDeps {
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  writeFile(path: string, content: string, encoding: 'utf8'): Promise<void>;
}

export function createSaveFile(deps: SaveFileDeps): SaveFile {
  return async ({ suggestedName, content }) => {
    const choice = await deps.showSaveDialog({
      defaultPath: suggestedName,
      filters: [
        { name: 'CSV', extensions: ['csv'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    if (choice.canceled || !choice.filePath) return { saved: false };
    await deps.writeFile(choice.filePath, content, 'utf8');
    return { saved: true, path: choice.filePath };
  };
}
