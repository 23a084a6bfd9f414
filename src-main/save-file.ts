/** Desktop exports: the user picks the place in a native dialog; cancelling is an outcome, not an error. */
import type { SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { exportFileTypes } from './export/file-types';
import { openFileSink } from './export/file-sink';
import type { OpenExportSink } from './export/sessions';

export interface SaveDialogDeps {
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

/** Asks where to save, then streams the export into that file (see file-sink.ts); null when the user cancels. */
export function createSaveDialogSink(deps: SaveDialogDeps): OpenExportSink {
  return async (_exportId, suggestedName, kind) => {
    const choice = await deps.showSaveDialog({
      defaultPath: suggestedName,
      filters: [exportFileTypes[kind].filter, { name: 'All files', extensions: ['*'] }],
    });
    if (choice.canceled || !choice.filePath) return null;
    return openFileSink(choice.filePath);
  };
}
