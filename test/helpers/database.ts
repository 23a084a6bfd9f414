import type { LabDatabase } from '../../src-renderer/lib/storage/db';

/** Everything a database holds, to compare before and after something that must change nothing. */
export const everything = async (db: LabDatabase) => ({
  sweeps: await db.sweeps.toArray(),
  runPages: await db.runPages.toArray(),
  tracePages: await db.tracePages.toArray(),
});
