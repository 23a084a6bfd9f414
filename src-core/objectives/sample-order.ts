import { RandomState } from './random';

/**
 * The order in which a stochastic run visits the samples: epoch after epoch, each a fresh permutation of 0…n−1 drawn
 * from one RandomState(seed) stream, exactly as `rng = np.random.RandomState(seed); rng.permutation(n)` draws them in
 * NumPy (legacy `shuffle`: for i from n−1 down to 1, swap i with j = random_interval(i), a masked 32-bit draw).
 * `nextBatch` hands out the samples of each epoch in order, b at a time; an epoch's last batch holds what is left, as
 * PyTorch's DataLoader does without drop_last, so every epoch visits every sample exactly once.
 */
export class SampleOrder {
  private readonly rng: RandomState;
  private readonly order: Int32Array;
  private position: number;

  constructor(
    readonly samples: number,
    seed: number,
  ) {
    this.rng = new RandomState(seed);
    this.order = new Int32Array(samples);
    this.position = samples; // the first nextBatch draws the first epoch
  }

  /**
   * Writes the next batch of up to `size` sample indices to `out` and returns how many: `size`, or fewer at the end
   * of an epoch. A new epoch's permutation is drawn when the previous one is used up.
   */
  nextBatch(out: Int32Array, size: number): number {
    if (this.position === this.samples) {
      this.shuffle();
      this.position = 0;
    }
    const count = Math.min(size, this.samples - this.position);
    for (let i = 0; i < count; i++) out[i] = this.order[this.position + i];
    this.position += count;
    return count;
  }

  private shuffle(): void {
    const order = this.order;
    const rng = this.rng;
    for (let i = 0; i < order.length; i++) order[i] = i;
    // NumPy's random_interval(i) for each i from n−1 down: draws masked by the smallest all-ones mask ≥ i, until one
    // is ≤ i. The mask only changes when i falls below half of it, so it is kept from one i to the next.
    let mask = smallestMask(order.length - 1);
    for (let i = order.length - 1; i >= 1; i--) {
      if (i <= mask >>> 1) mask >>>= 1;
      let j: number;
      do j = (rng.nextUint32() & mask) >>> 0;
      while (j > i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}

/** The smallest all-ones mask ≥ max (max < 2³²). */
function smallestMask(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
