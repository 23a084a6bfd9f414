/**
 * Per-sample AdaGrad on sparse logistic regression in WebAssembly (module.ts; wasm/adagrad.ts,
 * stepLogisticSamples): the objective's sampleGradient fused into the lazy sparse step, many steps a call; and the
 * objective's full-data loss (evaluateLogistic), for the rows a run keeps.
 * `wasmLogisticKernel()` is null where WebAssembly cannot be compiled; src-core/run/stochastic.ts then takes its JavaScript
 * steps, which give the same bits.
 */
import { checkSeed } from '../../objectives/random';
import type { LogisticData } from '../../objectives/types';
import type { AdagradHyperparameters } from '../adagrad';
import { placementCode } from '../adagrad-lanes';
import { kernelOfModule, type AdagradModule } from './module';

/** One run's arrays in the kernel's memory, valid until the module's next allocation. */
export interface LogisticRun {
  readonly theta: Float64Array;
  readonly accum: Float64Array;
  /**
   * θ before the step that diverged (`steps` returned a negative count) on the features it touched; the kernel writes
   * nothing else here, so a row's θ before is the caller's to copy in.
   */
  readonly previous: Float64Array;
  /**
   * Takes the next `size` samples of the run's order, fewer at the end of an epoch, and returns how many: SampleOrder's
   * nextBatch (src-core/objectives/sample-order.ts), each epoch's permutation drawn in the kernel from the same stream.
   */
  nextSamples(size: number): number;
  /** Sample i of those the last nextSamples took. */
  sample(i: number): number;
  /**
   * `count` steps from step `firstStep` on the samples the last nextSamples took (count at most as many): count when
   * all stayed finite, else −(j + 1) for the first step j that made a touched θ or G non-finite (nothing ran after it).
   */
  steps(count: number, firstStep: number): number;
  /** The full-data loss at θ, as the objective's evaluate returns it (its gradient, which no row keeps, is not computed). */
  evaluate(): number;
}

export class WasmLogisticKernel {
  constructor(private readonly module: AdagradModule) {}

  /**
   * Lays out a run of `dim` weights on `data` (copied in): θ zeroed, G at its initial value, θ before as the memory
   * held it (only a step that diverges writes it: the caller's to fill for a row), and the order of its samples
   * seeded with `seed` as SampleOrder(samples, seed) is (a whole number from 0 to 2³² − 1).
   */
  place(dim: number, data: LogisticData, h: AdagradHyperparameters, seed: number): LogisticRun {
    checkSeed(seed);
    const { indices, labels, nonZerosPerSample: k } = data;
    const samples = labels.length;
    const { exports } = this.module;
    const sizes = [dim * 8, dim * 8, dim * 8, indices.byteLength, labels.byteLength];
    const [thetaAt, accumAt, previousAt, indicesAt, labelsAt, stateAt, orderAt, scratchAt] = this.module.regions(
      [
        ...sizes,
        exports.sampleOrderBytes(),
        samples * 4,
        (k + 1) * 8, // θ before a step's features, kept by pairs (an odd last one twice)
      ],
      false, // every region is written here or by the kernel before it is read
    );
    const { buffer } = exports.memory; // after `regions`, which may have grown the memory (a new buffer)
    new Int32Array(buffer, indicesAt, indices.length).set(indices);
    new Uint8Array(buffer, labelsAt, labels.length).set(labels);
    exports.seedSampleOrder(stateAt, seed);
    const order = new Int32Array(buffer, orderAt, samples);
    // Where the current epoch's permutation has been taken up to (`samples`: used up, the next one to be drawn), and
    // where the last nextSamples began.
    let position = samples;
    let batch = 0;
    const placement = placementCode[h.epsPlacement];
    return {
      theta: new Float64Array(buffer, thetaAt, dim).fill(0),
      accum: new Float64Array(buffer, accumAt, dim).fill(h.initialAccumulator),
      previous: new Float64Array(buffer, previousAt, dim),
      nextSamples: (size) => {
        if (position === samples) {
          exports.shuffleSamples(stateAt, orderAt, samples);
          position = 0;
        }
        const count = Math.min(size, samples - position);
        batch = position;
        position += count;
        return count;
      },
      sample: (i) => order[batch + i],
      steps: (count, firstStep) =>
        exports.stepLogisticSamples(
          count,
          orderAt + batch * 4,
          indicesAt,
          k,
          labelsAt,
          thetaAt,
          accumAt,
          previousAt,
          scratchAt,
          firstStep,
          h.lr,
          h.lrDecay,
          h.eps,
          placement,
        ),
      evaluate: () => exports.evaluateLogistic(samples, indicesAt, k, labelsAt, thetaAt),
    };
  }
}

/** This thread's kernel; null where WebAssembly cannot be compiled here. */
export const wasmLogisticKernel = kernelOfModule((module) => new WasmLogisticKernel(module));
