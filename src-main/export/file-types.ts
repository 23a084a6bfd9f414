/** What each export is as a file: a download's media type, and the save dialog's filter. */
import type { ExportKind } from '../../src-core/contract/api';

export interface ExportFileType {
  mediaType: string;
  filter: { name: string; extensions: string[] };
}

const csv: ExportFileType = { mediaType: 'text/csv; charset=utf-8', filter: { name: 'CSV', extensions: ['csv'] } };

export const exportFileTypes: Readonly<Record<ExportKind, ExportFileType>> = {
  summary: csv,
  traces: csv,
  runs: { mediaType: 'application/json; charset=utf-8', filter: { name: 'Runs JSON', extensions: ['json'] } },
};
