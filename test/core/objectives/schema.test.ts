import { describe, expect, it } from 'vitest';
import { ObjectiveConfigSchema } from '../../../src-core/contract/objective-schema';
import { validate } from '../../../src-core/contract/schemas';

const logreg = { id: 'sparse-logreg', samples: 100, features: 50, nonZerosPerSample: 5, zipfExponent: 1.1, seed: 42 };

describe('objective config validation', () => {
  it.each([
    { id: 'quadratic-1d' },
    { id: 'rosenbrock', dim: 2 },
    { id: 'ill-conditioned', dim: 1_000_000, condition: 1 },
    { id: 'rastrigin', dim: 1 },
    logreg,
    { ...logreg, batchSize: 1 },
    { ...logreg, batchSize: 100 },
    { ...logreg, samples: 50_000, nonZerosPerSample: 1000, features: 1000, seed: 2 ** 32 - 1 },
  ])('accepts $id', (input) => {
    expect(validate(ObjectiveConfigSchema, input)).toEqual({ ok: true, value: input });
  });

  it.each([
    {
      desc: 'a non-object',
      input: 'rosenbrock',
      expectedMessage: 'Invalid objective: "rosenbrock" (must be an object with an id)',
    },
    {
      desc: 'an unknown id',
      input: { id: 'sphere' },
      expectedMessage:
        'id: Invalid objective: "sphere" (must be one of quadratic-1d, elliptic-2d, linear-regression, constant-gradient, sparse-logreg, rosenbrock, ill-conditioned, rastrigin)',
    },
    {
      desc: 'a field the objective lacks',
      input: { id: 'quadratic-1d', dim: 3 },
      expectedMessage: 'dim: Unknown field: "dim" is not part of quadratic-1d',
    },
    {
      desc: 'a missing dimension',
      input: { id: 'rastrigin' },
      expectedMessage: 'dim: Missing field: rastrigin needs it',
    },
    {
      desc: 'dimension 0',
      input: { id: 'rastrigin', dim: 0 },
      expectedMessage: 'dim: Invalid dimension: 0 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a fractional dimension',
      input: { id: 'rastrigin', dim: 2.5 },
      expectedMessage: 'dim: Invalid dimension: 2.5 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a dimension as text',
      input: { id: 'rastrigin', dim: '2' },
      expectedMessage: 'dim: Invalid dimension: "2" (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a huge dimension',
      input: { id: 'ill-conditioned', dim: 1e7, condition: 10 },
      expectedMessage: 'dim: Invalid dimension: 10000000 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a one-dimensional Rosenbrock',
      input: { id: 'rosenbrock', dim: 1 },
      expectedMessage: 'dim: Invalid dimension: 1 (must be a whole number from 2 to 1,000,000)',
    },
    {
      desc: 'condition below 1',
      input: { id: 'ill-conditioned', dim: 3, condition: 0.5 },
      expectedMessage: 'condition: Invalid condition number: 0.5 (must be a finite number >= 1)',
    },
    {
      desc: 'NaN condition',
      input: { id: 'ill-conditioned', dim: 3, condition: NaN },
      expectedMessage: 'condition: Invalid condition number: NaN (must be a finite number >= 1)',
    },
    {
      desc: 'infinite condition',
      input: { id: 'ill-conditioned', dim: 3, condition: Infinity },
      expectedMessage: 'condition: Invalid condition number: Infinity (must be a finite number >= 1)',
    },
    {
      desc: 'no samples',
      input: { ...logreg, samples: 0 },
      expectedMessage: 'samples: Invalid number of samples: 0 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'too many features',
      input: { ...logreg, features: 2e7 },
      expectedMessage: 'features: Invalid number of features: 20000000 (must be a whole number from 1 to 10,000,000)',
    },
    {
      desc: 'too many non-zeros per sample',
      input: { ...logreg, nonZerosPerSample: 1001 },
      expectedMessage: 'nonZerosPerSample: Invalid non-zeros per sample: 1001 (must be a whole number from 1 to 1,000)',
    },
    {
      desc: 'more non-zeros than features',
      input: { ...logreg, nonZerosPerSample: 51 },
      expectedMessage:
        'nonZerosPerSample: Invalid non-zeros per sample: 51 (must be at most the number of features, 50)',
    },
    {
      desc: 'zero Zipf exponent',
      input: { ...logreg, zipfExponent: 0 },
      expectedMessage: 'zipfExponent: Invalid Zipf exponent: 0 (must be a finite number > 0)',
    },
    {
      desc: 'NaN Zipf exponent',
      input: { ...logreg, zipfExponent: NaN },
      expectedMessage: 'zipfExponent: Invalid Zipf exponent: NaN (must be a finite number > 0)',
    },
    {
      desc: 'a negative seed',
      input: { ...logreg, seed: -1 },
      expectedMessage: 'seed: Invalid seed: -1 (must be a whole number from 0 to 4,294,967,295)',
    },
    {
      desc: 'a seed past 2³²−1',
      input: { ...logreg, seed: 2 ** 32 },
      expectedMessage: 'seed: Invalid seed: 4294967296 (must be a whole number from 0 to 4,294,967,295)',
    },
    {
      desc: 'a fractional batch size',
      input: { ...logreg, batchSize: 1.5 },
      expectedMessage: 'batchSize: Invalid batch size: 1.5 (must be a whole number from 0 to 1,000,000)',
    },
    {
      desc: 'a NaN batch size',
      input: { ...logreg, batchSize: NaN },
      expectedMessage: 'batchSize: Invalid batch size: NaN (must be a whole number from 0 to 1,000,000)',
    },
    {
      desc: 'a batch larger than the data set',
      input: { ...logreg, batchSize: 101 },
      expectedMessage:
        'batchSize: Invalid batch size: 101 (must be at most the number of samples, 100; 0 means all of them)',
    },
    {
      desc: 'a data set over the size limit',
      input: { ...logreg, samples: 1_000_000, features: 1000, nonZerosPerSample: 100 },
      expectedMessage:
        'Invalid data set size: 100000000 non-zeros (must be at most 50,000,000: fewer samples or non-zeros per sample)',
    },
  ])('refuses $desc', ({ input, expectedMessage }) => {
    expect(validate(ObjectiveConfigSchema, input)).toEqual({ ok: false, message: expectedMessage });
  });
});
