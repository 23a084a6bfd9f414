/**
 * Per-sample AdaGrad on sparse logistic regression in WebAssembly (module.ts; wasm/adagrad.ts,
 * stepLogisticSamples): the objective's sampleGradient fused into the lazy sparse step, many steps a call; and the
 * objective's full-data evaluate (evaluateLogistic), for the rows a run keeps.
 * `wasmLogisticKernel()` is null where WebAssembly cannot be compiled; src-core/run/stochastic.ts then takes its JavaScript
 * steps, which give the same bits.
 */
import type { LogisticData } from '../../objectives/types';
import type { AdagradHyperparameters } from '../adagrad';
import { placementCode } from '../adagrad-lanes';
import { kernelOfModule, type AdagradModule } from './module';

/** One run's arrays in the kernel's memory, valid until the module's next allocation. */
export interface LogisticRun {
  readonly theta: Float64Array;
  readonly accum: Float64Array;
  /** θ before the last step that touched each coordinate. */
  readonly previous: Float64Array;
  /** The samples of the next `steps` call, one per step. */
  readonly samples: Int32Array;
  /** For `evaluate`'s gradient. */
  readonly gradient: Float64Array;
  /**
   * `count` steps from step `firstStep` on samples[0…count−1]: count when all stayed finite, else −(j + 1) for the
   * first step j that made a touched θ or G non-finite (nothing ran after it).
   */
  steps(count: number, firstStep: number): number;
  /** The objective's evaluate at θ: the full-data loss, its gradient written to `gradient`. */
  evaluate(): number;
}

export class WasmLogisticKernel {
  constructor(private readonly module: AdagradModule) {}

  /** Lays out a run of `dim` weights on `data` (copied in): θ and θ before zeroed, G at its initial value, room for `batch` samples a call. */
  place(dim: number, data: LogisticData, batch: number, h: AdagradHyperparameters): LogisticRun {
    const { indices, labels, nonZerosPerSample: k } = data;
    const sizes = [dim * 8, dim * 8, dim * 8, dim * 8, indices.byteLength, labels.byteLength, batch * 4];
    const [thetaAt, accumAt, previousAt, gradientAt, indicesAt, labelsAt, samplesAt] = this.module.regions(sizes);
    const samples = labels.length;
    const { exports } = this.module;
    const { buffer } = exports.memory; // after `regions`, which may have grown the memory (a new buffer)
    new Int32Array(buffer, indicesAt, indices.length).set(indices);
    new Uint8Array(buffer, labelsAt, labels.length).set(labels);
    const placement = placementCode[h.epsPlacement];
    return {
      theta: new Float64Array(buffer, thetaAt, dim),
      accum: new Float64Array(buffer, accumAt, dim).fill(h.initialAccumulator),
      previous: new Float64Array(buffer, previousAt, dim),
      samples: new Int32Array(buffer, samplesAt, batch),
      gradient: new Float64Array(buffer, gradientAt, dim),
      steps: (count, firstStep) =>
        exports.stepLogisticSamples(
          count,
          samplesAt,
          indicesAt,
          k,
          labelsAt,
          thetaAt,
          accumAt,
          previousAt,
          firstStep,
          h.lr,
          h.lrDecay,
          h.eps,
          placement,
        ),
      evaluate: () => exports.evaluateLogistic(samples, indicesAt, k, labelsAt, thetaAt, gradientAt, dim),
    };
  }
}

/** This thread's kernel; null where WebAssembly cannot be compiled here. */
export const wasmLogisticKernel = kernelOfModule((module) => new WasmLogisticKernel(module));
