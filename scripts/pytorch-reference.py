#!/usr/bin/env python3
"""Reference values from real PyTorch for test/core/optim/pytorch-fixtures.test.ts.

Runs torch.optim.Adagrad, SGD, RMSprop and Adam (float64, CPU) on the objectives the lab can express in PyTorch (x²,
w² + 10b², 2-D Rosenbrock, the seeds' nn.Linear toy with nn.MSELoss, the seeds' constant-gradient NumPy demo), with
every option PyTorch has that the lab has too, and writes θ, the loss at θ and the optimizer's accumulator (Adagrad's
state_sum, RMSprop's square_avg, Adam's exp_avg_sq) after every step, as the lab's trace rows hold them: row k is the
state after k steps. It also writes Python's `beta ** t` (C's pow) for the bias corrections.

Each case runs twice, in child processes: once with ATEN_CPU_CAPABILITY=default (ATen's kernels compiled for baseline
x86-64, no FMA) and once with the machine's own capability (AVX2 here: GCC contracts a·b + c into fused multiply-adds
there). The first is what the lab must equal bit for bit; the second measures what FMA changes.

Usage (once, by hand; the tests read the JSON and never need Python):

    /usr/bin/python3 scripts/pytorch-reference.py > test/fixtures/pytorch-reference.json

Needs torch (Debian's python3-torch 1.13 was used) and numpy (for the seeds' np.random draws).
"""
import json
import math
import os
import struct
import subprocess
import sys

STEPS = 15


def objectives():
    import numpy as np

    np.random.seed(42)
    draws = [np.random.randn(2, 2).flatten().tolist() for _ in range(3)]
    return {
        'quadratic-1d': {'config': {'id': 'quadratic-1d'}, 'starts': [[4.0], [5.0]]},
        'elliptic-2d': {'config': {'id': 'elliptic-2d'}, 'starts': [[1.0, 1.0]]},
        'rosenbrock': {'config': {'id': 'rosenbrock', 'dim': 2}, 'starts': [[-1.2, 1.0]]},
        'linear-regression': {'config': {'id': 'linear-regression'}, 'starts': [[0.0, 0.0]]},
        'constant-gradient': {'config': {'id': 'constant-gradient', 'startDraw': 1, 'gradientDraw': 2}, 'starts': [draws[0]], 'g0': draws[1]},
    }


def loss_of(objective, params, torch, extra):
    """The loss as the seeds and PyTorch users write it; autograd gives the gradient."""
    if objective == 'quadratic-1d':
        (x,) = params
        return x**2
    if objective == 'elliptic-2d':
        w, b = params
        return w**2 + 10 * b**2
    if objective == 'rosenbrock':
        a, b = params
        return 100 * (b - a**2) ** 2 + (1 - a) ** 2
    if objective == 'linear-regression':
        model = extra['model']
        return torch.nn.MSELoss()(model(extra['X']), extra['y'])
    if objective == 'constant-gradient':
        g0 = extra['g0']
        loss = g0[0] * params[0]
        for g, w in zip(g0[1:], params[1:]):
            loss = loss + g * w
        return loss
    raise ValueError(objective)


# Lab configs (src-core/contract/engine.ts) and the torch.optim keyword arguments they stand for.
def adagrad(lr, **o):
    lab = {'kind': 'adagrad', 'lr': lr, 'eps': o.get('eps', 1e-10), 'epsPlacement': 'outside', 'weightDecay': o.get('weight_decay', 0.0),
           'decoupledWeightDecay': False, 'initialAccumulator': o.get('initial_accumulator_value', 0.0), 'lrDecay': o.get('lr_decay', 0.0),
           'maximize': o.get('maximize', False)}
    return lab, 'Adagrad', dict(lr=lr, **o)


def sgd(lr, **o):
    lab = {'kind': 'sgd', 'lr': lr, 'momentum': o.get('momentum', 0.0), 'dampening': o.get('dampening', 0.0), 'nesterov': o.get('nesterov', False),
           'weightDecay': o.get('weight_decay', 0.0), 'maximize': o.get('maximize', False)}
    return lab, 'SGD', dict(lr=lr, **o)


def rmsprop(lr, **o):
    lab = {'kind': 'rmsprop', 'lr': lr, 'alpha': o.get('alpha', 0.99), 'eps': o.get('eps', 1e-8), 'momentum': o.get('momentum', 0.0),
           'centered': o.get('centered', False), 'weightDecay': o.get('weight_decay', 0.0), 'maximize': o.get('maximize', False)}
    return lab, 'RMSprop', dict(lr=lr, **o)


def adam(lr, **o):
    betas = o.get('betas', (0.9, 0.999))
    lab = {'kind': 'adam', 'lr': lr, 'beta1': betas[0], 'beta2': betas[1], 'eps': o.get('eps', 1e-8), 'weightDecay': o.get('weight_decay', 0.0),
           'amsgrad': o.get('amsgrad', False), 'maximize': o.get('maximize', False)}
    return lab, 'Adam', dict(lr=lr, **o)


def cases():
    """(name, objective, start index, optimizer) for every combination below."""
    # lr per objective and optimizer: large enough to move, small enough to stay finite over STEPS steps maximized.
    lrs = {
        'adagrad': {'quadratic-1d': 1.0, 'elliptic-2d': 0.1, 'rosenbrock': 0.05, 'linear-regression': 0.1, 'constant-gradient': 0.1},
        'sgd': {'quadratic-1d': 0.1, 'elliptic-2d': 0.04, 'rosenbrock': 0.0005, 'linear-regression': 0.02},
        'rmsprop': {'quadratic-1d': 0.1, 'elliptic-2d': 0.05, 'rosenbrock': 0.005, 'linear-regression': 0.05},
        'adam': {'quadratic-1d': 0.1, 'elliptic-2d': 0.1, 'rosenbrock': 0.01, 'linear-regression': 0.1},
    }
    options = {
        'adagrad': [
            ('defaults', {}),
            ('eps 1e-8 (seeds)', {'eps': 1e-8}),
            ('eps 0.1', {'eps': 0.1}),
            ('lr_decay', {'lr_decay': 0.5}),
            ('weight_decay', {'weight_decay': 0.1}),
            ('initial_accumulator_value', {'initial_accumulator_value': 0.5}),
            ('maximize', {'maximize': True}),
            ('maximize, weight_decay', {'maximize': True, 'weight_decay': 0.1}),
            ('all options', {'lr_decay': 0.1, 'weight_decay': 0.2, 'initial_accumulator_value': 0.1, 'eps': 1e-3, 'maximize': True}),
        ],
        'sgd': [
            ('defaults', {}),
            ('momentum', {'momentum': 0.9}),
            ('momentum, dampening', {'momentum': 0.9, 'dampening': 0.5}),
            ('nesterov', {'momentum': 0.9, 'nesterov': True}),
            ('weight_decay', {'weight_decay': 0.1}),
            ('maximize', {'maximize': True}),
            ('all options', {'momentum': 0.5, 'nesterov': True, 'weight_decay': 0.01, 'maximize': True}),
        ],
        'rmsprop': [
            ('defaults', {}),
            ('centered', {'centered': True}),
            ('momentum', {'momentum': 0.9}),
            ('weight_decay', {'weight_decay': 0.1}),
            ('alpha 0.5', {'alpha': 0.5}),
            ('maximize', {'maximize': True}),
            ('all options, not centered', {'alpha': 0.9, 'eps': 1e-6, 'momentum': 0.5, 'weight_decay': 0.01, 'maximize': True}),
            ('all options', {'alpha': 0.9, 'eps': 1e-6, 'momentum': 0.5, 'centered': True, 'weight_decay': 0.01, 'maximize': True}),
        ],
        'adam': [
            ('defaults', {}),
            ('amsgrad', {'amsgrad': True, 'betas': (0.9, 0.5)}),
            ('weight_decay', {'weight_decay': 0.1}),
            ('betas', {'betas': (0.5, 0.9)}),
            ('maximize', {'maximize': True}),
            ('all options', {'betas': (0.8, 0.5), 'eps': 1e-6, 'weight_decay': 0.05, 'amsgrad': True, 'maximize': True}),
        ],
    }
    makers = {'adagrad': adagrad, 'sgd': sgd, 'rmsprop': rmsprop, 'adam': adam}
    objs = objectives()
    out = []
    for kind, rows in options.items():
        for objective, lr in lrs[kind].items():
            for start_index, _ in enumerate(objs[objective]['starts']):
                for label, kwargs in rows:
                    out.append((f'{kind} {label} on {objective} from start {start_index}', objective, start_index, makers[kind](lr, **kwargs)))
    # The seeds' own examples, as the seeds set them up (AdaGrad with eps 1e-8; lr 0.01 on the NumPy demo).
    out.append(('adagrad seeds: x² from 4, lr 1', 'quadratic-1d', 0, adagrad(1.0, eps=1e-8)))
    out.append(('adagrad seeds: x² from 5, lr 0.1', 'quadratic-1d', 1, adagrad(0.1, eps=1e-8)))
    out.append(('adagrad seeds: NumPy demo, lr 0.01', 'constant-gradient', 0, adagrad(0.01, eps=1e-8)))
    out.append(('adagrad seeds: NumPy demo, lr 0.01, weight decay 0.01', 'constant-gradient', 0, adagrad(0.01, eps=1e-8, weight_decay=0.01)))
    return out


def accumulator(kind, state):
    key = {'Adagrad': 'sum', 'RMSprop': 'square_avg', 'Adam': 'exp_avg_sq'}.get(kind)
    return None if key is None else state[key].item()


def run_case(objective, start_index, maker):
    import torch

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    objs = objectives()
    start = objs[objective]['starts'][start_index]
    lab, kind, kwargs = maker
    extra = {}
    if objective == 'linear-regression':
        model = torch.nn.Linear(1, 1)
        with torch.no_grad():
            model.weight.fill_(start[0])
            model.bias.fill_(start[1])
        params = [model.weight, model.bias]
        extra = {'model': model, 'X': torch.tensor([[1.0], [2.0], [3.0], [4.0]]), 'y': torch.tensor([[2.0], [4.0], [6.0], [8.0]])}
    else:
        params = [torch.tensor([x], requires_grad=True) for x in start]
        if objective == 'constant-gradient':
            extra = {'g0': [torch.tensor([g]) for g in objs[objective]['g0']]}
    optimizer = getattr(torch.optim, kind)(params, **kwargs)
    rows = {'theta': [], 'loss': [], 'accum': []}
    for step in range(STEPS + 1):
        optimizer.zero_grad()
        loss = loss_of(objective, params, torch, extra)
        loss.backward()
        rows['theta'].append([p.item() for p in params])
        rows['loss'].append(loss.item())
        if kind != 'SGD':  # SGD keeps no accumulator
            rows['accum'].append([accumulator(kind, optimizer.state[p]) if step > 0 else lab.get('initialAccumulator', 0.0) for p in params])
        if step < STEPS:
            optimizer.step()
    return rows


def number(x):
    """JSON has no NaN or infinities: those are written as the strings 'NaN', 'Infinity', '-Infinity'."""
    return x if math.isfinite(x) else ('NaN' if math.isnan(x) else ('Infinity' if x > 0 else '-Infinity'))


def encoded(rows):
    return {
        'theta': [[number(x) for x in r] for r in rows['theta']],
        'loss': [number(x) for x in rows['loss']],
        'accum': [[number(x) for x in r] for r in rows['accum']],
    }


def differences(reference, other):
    """Where `other` is not `reference` bit for bit: [column, row, coordinate (-1 for the loss), value]."""
    out = []
    for column in ('theta', 'loss', 'accum'):
        for k, (a, b) in enumerate(zip(reference[column], other[column])):
            pairs = [(-1, a, b)] if column == 'loss' else [(i, x, y) for i, (x, y) in enumerate(zip(a, b))]
            for i, x, y in pairs:
                if struct.pack('<d', x) != struct.pack('<d', y):
                    out.append([column, k, i, number(y)])
    return out


def child():
    """Every case's rows under this process's ATen capability, as JSON on stdout."""
    import torch

    powers = [[b, t, b**t] for b in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999) for t in list(range(1, 65)) + [100, 1000, 4321, 10000, 123456]]
    capability = [line.split(':')[1].strip() for line in torch.__config__.show().splitlines() if 'CPU capability usage' in line][0]
    out = {'torch': torch.__version__, 'capability': capability, 'rows': [run_case(o, s, m) for _, o, s, m in cases()], 'powers': powers}
    json.dump(out, sys.stdout)


def main():
    runs = {}
    for name, env in (('noFma', {'ATEN_CPU_CAPABILITY': 'default'}), ('fma', {})):
        environment = {k: v for k, v in os.environ.items() if k != 'ATEN_CPU_CAPABILITY'}
        environment.update(env)
        runs[name] = json.loads(subprocess.run([sys.executable, __file__, '--child'], env=environment, check=True, capture_output=True, text=True).stdout)
    fixture = {
        'generator': 'scripts/pytorch-reference.py',
        'torch': runs['noFma']['torch'],
        'steps': STEPS,
        'about': (
            'Row k of each case: after k steps. noFma: ATEN_CPU_CAPABILITY=default (no FMA). fmaDifferences: where the run '
            "with the machine's own capability (AVX2, FMA) differs: [column, row, coordinate (-1: loss), value]. "
            "Non-finite values are the strings 'NaN', 'Infinity', '-Infinity'."
        ),
        'capabilities': {'noFma': runs['noFma']['capability'], 'fma': runs['fma']['capability']},
        'powers': runs['noFma']['powers'],
        'cases': [
            {
                'name': name,
                'objective': objectives()[o]['config'],
                'start': objectives()[o]['starts'][s],
                'optimizer': m[0],
                'noFma': encoded(runs['noFma']['rows'][i]),
                'fmaDifferences': differences(runs['noFma']['rows'][i], runs['fma']['rows'][i]),
            }
            for i, (name, o, s, m) in enumerate(cases())
        ],
    }
    json.dump(fixture, sys.stdout, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    child() if sys.argv[1:] == ['--child'] else main()
