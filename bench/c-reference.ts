/**
 * The C reference (bench/reference/reference.c), compiled at bench time with the machine's gcc and run as a child
 * process on input files this module writes, so that C starts from the engine's own doubles. Without gcc the C
 * column is skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { W1Input, W2Input, W3Input } from './baselines/inputs';

/** Flags that change no result: no FMA contraction (bit-identical arithmetic), no errno from sqrt (so it vectorizes). */
const exactFlags = ['-O3', '-fno-math-errno', '-ffp-contract=off'];

export interface CompilerBuild {
  label: string;
  flags: string[];
}

/** Baseline x86-64 (SSE2, what `gcc -O3` targets by default) and this machine's own instruction set. */
export const cBuilds: CompilerBuild[] = [
  { label: 'C -O3 -march=native', flags: [...exactFlags, '-march=native'] },
  { label: 'C -O3', flags: exactFlags },
];

export type Compiled = { ok: true; binary: string; label: string } | { ok: false; reason: string; label: string };

const workDir = join(tmpdir(), 'adagrad-lab-bench');

export function compileReference(build: CompilerBuild, index: number): Compiled {
  mkdirSync(workDir, { recursive: true });
  const binary = join(workDir, `reference-${index}`);
  const source = join(import.meta.dirname, 'reference', 'reference.c');
  const result = spawnSync('gcc', [...build.flags, '-o', binary, source, '-lm'], { encoding: 'utf8' });
  if (result.error) return { ok: false, label: build.label, reason: `gcc not found (${result.error.message})` };
  if (result.status !== 0) return { ok: false, label: build.label, reason: `gcc failed: ${result.stderr.trim()}` };
  return { ok: true, binary, label: build.label };
}

export interface CResult {
  seconds: number[];
  checksum: number;
}

/** Packs numbers into the little-endian layout reference.c reads. */
function pack(parts: (Int32Array | Uint32Array | Float64Array | Uint8Array)[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return out;
}

export const w1Bytes = ({ steps, lr, eps }: W1Input): Uint8Array => pack([Int32Array.of(lr.length, steps), lr, eps]);

export const w2Bytes = ({ steps, lr, eps, curvature }: W2Input): Uint8Array =>
  pack([Int32Array.of(curvature.length, steps), Float64Array.of(lr, eps), curvature]);

export const w3Bytes = (w: W3Input): Uint8Array =>
  pack([
    Int32Array.of(w.samples, w.features, w.nonZerosPerSample, w.order.length),
    Uint32Array.of(w.seed, 0), // C draws the order from the seed, as the engine does, and checks it against `order`
    Float64Array.of(w.lr, w.eps),
    w.indices,
    w.order,
    w.labels,
  ]);

/** Writes the input once; `run` then times `repeats` repeats inside one C process. */
export function referenceRunner(
  binary: string,
  workload: 'w1' | 'w2' | 'w3',
  input: Uint8Array,
): (repeats: number) => CResult {
  const file = join(workDir, `${workload}.bin`);
  writeFileSync(file, input);
  return (repeats) => {
    const result = spawnSync(binary, [workload, file, String(repeats)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`C reference ${workload} failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as CResult;
  };
}
