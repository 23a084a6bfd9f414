/**
 * Each optimizer against a scalar transcription of the algorithm box in PyTorch's documentation
 * (torch.optim.Adagrad / SGD / RMSprop / Adam), written here without the code under test: θ after three steps on a
 * fixed gradient sequence, to a relative 1e-9. Every option row must also move θ away from the plain row, so an
 * option that is silently ignored fails. `maximize` is PyTorch's: g ← −g before anything else, weight decay included.
 * (pytorch-fixtures.test.ts holds the lab to real PyTorch's numbers, bit for bit.)
 */
import { describe, expect, it } from 'vitest';
import type {
  AdagradConfig,
  AdamConfig,
  OptimizerConfig,
  RmspropConfig,
  SgdConfig,
} from '../../../src-core/contract/engine';
import { adagradProfiles, createOptimizer, optimizerDefaults } from '../../../src-core/optim';
import { expectClose } from '../../helpers/close';

const theta0 = [1.5, -0.7, 0.2];
// The third coordinate's gradient shrinks at step 2, so AMSGrad's maximum matters there.
const grads = [
  [0.5, -1.2, 0.03],
  [0.4, 0.9, -0.02],
  [-0.3, 1.1, 0.05],
];

type Reference<C> = (c: C) => { theta: number[]; effective: number[] };

/** Adagrad: clr = γ/(1+(t−1)η); if λ≠0 g ← g+λθ; sum ← sum+g²; θ ← θ − clr·g/(√sum+ε). Decoupled: θ ← θ − clr·λ·θ first (AdamW's form). */
const adagradReference: Reference<AdagradConfig> = (c) => {
  const theta = [...theta0];
  const sum = theta.map(() => c.initialAccumulator);
  let clr = c.lr;
  for (let t = 1; t <= grads.length; t++) {
    clr = c.lr / (1 + (t - 1) * c.lrDecay);
    for (let i = 0; i < theta.length; i++) {
      let g = c.maximize ? -grads[t - 1][i] : grads[t - 1][i];
      if (c.weightDecay !== 0 && !c.decoupledWeightDecay) g += c.weightDecay * theta[i];
      sum[i] += g * g;
      const denominator = c.epsPlacement === 'outside' ? Math.sqrt(sum[i]) + c.eps : Math.sqrt(sum[i] + c.eps);
      if (c.decoupledWeightDecay) theta[i] -= clr * c.weightDecay * theta[i];
      // Optax's guard: where(G > 0, rsqrt(G + eps), 0).
      if (c.epsPlacement !== 'inside-guarded' || sum[i] > 0) theta[i] -= (clr * g) / denominator;
    }
  }
  const effective = sum.map((s) =>
    c.epsPlacement === 'inside-guarded' && !(s > 0)
      ? 0
      : clr / (c.epsPlacement === 'outside' ? Math.sqrt(s) + c.eps : Math.sqrt(s + c.eps)),
  );
  return { theta, effective };
};

/** SGD: maximize g ← −g; if λ≠0 g ← g+λθ; if μ≠0 { b ← t>1 ? μb+(1−τ)g : g; g ← nesterov ? g+μb : b }; θ ← θ − γg. */
const sgdReference: Reference<SgdConfig> = (c) => {
  const theta = [...theta0];
  const b = theta.map(() => 0);
  for (let t = 1; t <= grads.length; t++) {
    for (let i = 0; i < theta.length; i++) {
      let g = c.maximize ? -grads[t - 1][i] : grads[t - 1][i];
      if (c.weightDecay !== 0) g += c.weightDecay * theta[i];
      if (c.momentum !== 0) {
        b[i] = t > 1 ? c.momentum * b[i] + (1 - c.dampening) * g : g;
        g = c.nesterov ? g + c.momentum * b[i] : b[i];
      }
      theta[i] -= c.lr * g;
    }
  }
  return { theta, effective: theta.map(() => c.lr) };
};

/** RMSprop: v ← αv+(1−α)g²; ṽ ← v, centered ṽ ← v − ḡ² with ḡ ← αḡ+(1−α)g; μ>0: b ← μb + g/(√ṽ+ε), θ ← θ−γb; else θ ← θ − γg/(√ṽ+ε). */
const rmspropReference: Reference<RmspropConfig> = (c) => {
  const theta = [...theta0];
  const v = theta.map(() => 0);
  const gAve = theta.map(() => 0);
  const b = theta.map(() => 0);
  const vTilde = theta.map(() => 0);
  for (let t = 1; t <= grads.length; t++) {
    for (let i = 0; i < theta.length; i++) {
      let g = c.maximize ? -grads[t - 1][i] : grads[t - 1][i];
      if (c.weightDecay !== 0) g += c.weightDecay * theta[i];
      v[i] = c.alpha * v[i] + (1 - c.alpha) * g * g;
      vTilde[i] = v[i];
      if (c.centered) {
        gAve[i] = c.alpha * gAve[i] + (1 - c.alpha) * g;
        vTilde[i] -= gAve[i] * gAve[i];
      }
      if (c.momentum > 0) {
        b[i] = c.momentum * b[i] + g / (Math.sqrt(vTilde[i]) + c.eps);
        theta[i] -= c.lr * b[i];
      } else {
        theta[i] -= (c.lr * g) / (Math.sqrt(vTilde[i]) + c.eps);
      }
    }
  }
  return { theta, effective: vTilde.map((x) => c.lr / (Math.sqrt(x) + c.eps)) };
};

/**
 * Adam: m ← β1m+(1−β1)g; v ← β2v+(1−β2)g²; m̂ = m/(1−β1^t); θ ← θ − γm̂/(√v̂+ε) with v̂ = v/(1−β2^t), or with AMSGrad
 * v_max ← max(v_max, v), v̂ = v_max/(1−β2^t) (the current documentation's box and the code; older boxes took the
 * maximum after bias correction).
 */
const adamReference: Reference<AdamConfig> = (c) => {
  const theta = [...theta0];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  const vMax = theta.map(() => 0);
  let t = 0;
  for (t = 1; t <= grads.length; t++) {
    for (let i = 0; i < theta.length; i++) {
      let g = c.maximize ? -grads[t - 1][i] : grads[t - 1][i];
      if (c.weightDecay !== 0) g += c.weightDecay * theta[i];
      m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
      v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
      vMax[i] = Math.max(vMax[i], v[i]);
      const mHat = m[i] / (1 - c.beta1 ** t);
      const vHat = (c.amsgrad ? vMax[i] : v[i]) / (1 - c.beta2 ** t);
      theta[i] -= (c.lr * mHat) / (Math.sqrt(vHat) + c.eps);
    }
  }
  t = grads.length;
  const effective = theta.map(
    (_, i) => c.lr / (1 - c.beta1 ** t) / (Math.sqrt((c.amsgrad ? vMax[i] : v[i]) / (1 - c.beta2 ** t)) + c.eps),
  );
  return { theta, effective };
};

function runEngine(config: OptimizerConfig) {
  const optimizer = createOptimizer(config);
  const theta = Float64Array.from(theta0);
  const state = optimizer.init(theta.length);
  for (const g of grads) optimizer.step(theta, Float64Array.from(g), state);
  const effective = new Float64Array(theta.length);
  optimizer.effectiveStep(state, effective);
  return { theta: Array.from(theta), effective: Array.from(effective), state };
}

/** Rows: [description, options, the options it must differ from (default: the plain config)]. */
type Row<C> = [string, Partial<C>, Partial<C>?];

function checkTable<C extends OptimizerConfig>(base: C, reference: Reference<C>, rows: Array<Row<C>>) {
  it.each(rows)('%s', (desc, options, contrast = {}) => {
    const config = { ...base, ...options };
    const expected = reference(config);
    const actual = runEngine(config);
    expected.theta.forEach((x, i) => expectClose(actual.theta[i], x, 1e-9));
    expected.effective.forEach((x, i) => expectClose(actual.effective[i], x, 1e-9));
    if (desc !== 'defaults') expect(expected.theta).not.toEqual(reference({ ...base, ...contrast }).theta);
  });
}

describe('AdaGrad matches torch.optim.Adagrad', () => {
  const { label: _l, description: _d, ...pytorch } = adagradProfiles.pytorch;
  const { label: _kl, description: _kd, ...keras } = adagradProfiles.keras;
  const { label: _ol, description: _od, ...optax } = adagradProfiles.optax;
  checkTable(optimizerDefaults.adagrad, adagradReference, [
    ['defaults', {}],
    ['eps outside, large', { eps: 0.1 }],
    ['eps inside', { epsPlacement: 'inside', eps: 0.1 }, { eps: 0.1 }],
    ['eps inside, guarded', { epsPlacement: 'inside-guarded', eps: 0.1 }, { eps: 0.1 }],
    ['maximize', { maximize: true }],
    ['maximize with weight decay', { maximize: true, weightDecay: 0.1 }, { maximize: true }],
    [
      'maximize with decoupled weight decay',
      { maximize: true, weightDecay: 0.1, decoupledWeightDecay: true },
      { maximize: true },
    ],
    ['weight decay', { weightDecay: 0.1 }],
    ['decoupled weight decay', { weightDecay: 0.1, decoupledWeightDecay: true }, { weightDecay: 0.1 }],
    ['initial accumulator', { initialAccumulator: 0.5 }],
    ['lr decay', { lrDecay: 0.5 }],
    [
      'all options',
      { lr: 0.3, eps: 1e-3, epsPlacement: 'inside', weightDecay: 0.2, initialAccumulator: 0.1, lrDecay: 0.1 },
    ],
    ['PyTorch profile', { ...pytorch, lr: 0.5 }],
    ['Keras profile', { ...keras }],
    ['Optax profile', { ...optax }],
  ]);

  it("takes no step where G = 0 with Optax's guard, where eps inside divides 0 by 0", () => {
    const zero = Float64Array.of(0, 1);
    const step = (epsPlacement: AdagradConfig['epsPlacement']) => {
      const optimizer = createOptimizer({ ...optimizerDefaults.adagrad, eps: 0, epsPlacement });
      const theta = Float64Array.of(0.5, 0.5);
      const state = optimizer.init(2);
      optimizer.step(theta, zero, state);
      const effective = new Float64Array(2);
      optimizer.effectiveStep(state, effective);
      return { theta: Array.from(theta), effective: Array.from(effective) };
    };
    expect(step('inside-guarded')).toEqual({ theta: [0.5, 0.49], effective: [0, 0.01] });
    expect(step('inside').theta[0]).toBeNaN();
  });

  it('reports G as its accumulator', () => {
    const { state } = runEngine(optimizerDefaults.adagrad);
    const G = createOptimizer(optimizerDefaults.adagrad).accum(state)!;
    grads[0].forEach((_, i) =>
      expectClose(
        G[i],
        grads.reduce((s, g) => s + g[i] * g[i], 0),
        1e-12,
      ),
    );
  });
});

describe('SGD matches torch.optim.SGD', () => {
  checkTable(optimizerDefaults.sgd, sgdReference, [
    ['defaults', {}],
    ['momentum', { momentum: 0.9 }],
    ['momentum with dampening', { momentum: 0.9, dampening: 0.5 }, { momentum: 0.9 }],
    ['nesterov', { momentum: 0.9, nesterov: true }, { momentum: 0.9 }],
    ['weight decay', { weightDecay: 0.1 }],
    ['maximize', { maximize: true }],
    ['maximize with weight decay', { maximize: true, weightDecay: 0.1 }, { maximize: true }],
    ['all options', { lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.01, maximize: true }],
  ]);

  it('has no accumulator', () => {
    expect(createOptimizer(optimizerDefaults.sgd).accum(runEngine(optimizerDefaults.sgd).state)).toBeNull();
  });
});

describe('RMSProp matches torch.optim.RMSprop', () => {
  checkTable(optimizerDefaults.rmsprop, rmspropReference, [
    ['defaults', {}],
    ['centered', { centered: true }],
    ['momentum', { momentum: 0.9 }],
    ['weight decay', { weightDecay: 0.1 }],
    ['small alpha', { alpha: 0.5 }],
    ['maximize', { maximize: true }],
    ['maximize with weight decay', { maximize: true, weightDecay: 0.1 }, { maximize: true }],
    [
      'all options',
      { lr: 0.05, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true, weightDecay: 0.01, maximize: true },
    ],
  ]);
});

describe('Adam matches torch.optim.Adam', () => {
  checkTable(optimizerDefaults.adam, adamReference, [
    ['defaults', {}],
    ['amsgrad', { amsgrad: true, beta2: 0.5 }, { beta2: 0.5 }],
    ['weight decay', { weightDecay: 0.1 }],
    ['betas', { beta1: 0.5, beta2: 0.9 }],
    ['maximize', { maximize: true }],
    ['maximize with weight decay', { maximize: true, weightDecay: 0.1 }, { maximize: true }],
    ['all options', { lr: 0.01, beta1: 0.8, beta2: 0.5, eps: 1e-6, weightDecay: 0.05, amsgrad: true, maximize: true }],
  ]);
});
