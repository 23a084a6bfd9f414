import type { SweepSpec } from '../../src-core/contract/sweep-spec';
import { countRuns } from '../../src-core/sweep/expand';
import type { LabDatabase } from '../../src-renderer/lib/storage/db';
import type { StoredSweep } from '../../src-renderer/lib/storage/records';

/** Everything a database holds, to compare before and after something that must change nothing. */
export const everything = async (db: LabDatabase) => ({
  sweeps: await db.sweeps.toArray(),
  runPages: await db.runPages.toArray(),
  tracePages: await db.tracePages.toArray(),
});

/** A completed sweep record for `spec`, as the window stores one, created at `createdAt`. */
export const completedSweep = (id: string, spec: SweepSpec, createdAt = 1): StoredSweep => ({
  id,
  name: spec.name,
  spec,
  runCount: countRuns(spec),
  createdAt,
  status: 'completed',
});
