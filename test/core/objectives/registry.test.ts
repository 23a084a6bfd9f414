import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ObjectiveConfigSchema, objectiveIds } from '../../../src-core/contract/objective-schema';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import { createObjective, objectiveDimension, objectiveInfo } from '../../../src-core/objectives';

describe('the objective registry', () => {
  it('describes exactly the ids the schema accepts', () => {
    const schemaIds = ObjectiveConfigSchema.options.map(
      (option) => ('pipe' in option ? option.pipe[0] : option).entries.id.literal,
    );
    expect(schemaIds.sort()).toEqual([...objectiveIds].sort());
    expect(Object.keys(objectiveInfo).sort()).toEqual([...objectiveIds].sort());
  });

  it.each(objectiveIds)('%s: info, default config and built objective agree', (id) => {
    const info = objectiveInfo[id];
    expect(info.id).toBe(id);
    expect(info.defaultConfig.id).toBe(id);
    expect(v.parse(ObjectiveConfigSchema, info.defaultConfig)).toEqual(info.defaultConfig);
    expect([info.label, info.formula, info.description].every((text) => text.length > 0)).toBe(true);
    // The form's fields are the config's fields, and their defaults are the default config's values.
    const { id: _id, ...fields } = info.defaultConfig as Record<string, unknown>;
    expect(Object.fromEntries(info.parameters.map((p) => [p.key, p.default]))).toEqual(fields);
    for (const p of info.parameters) {
      expect(p.default >= p.min && (p.max === null || p.default <= p.max), p.key).toBe(true);
    }

    const objective = createObjective(info.defaultConfig);
    expect(objective.config).toBe(info.defaultConfig);
    expect(objective.defaultStart().length).toBe(objective.dim);
    if (objective.minimum.at) expect(objective.minimum.at.length).toBe(objective.dim);
    const grad = new Float64Array(objective.dim);
    expect(Number.isFinite(objective.evaluate(objective.defaultStart(), grad))).toBe(true);
  });

  // objectiveDimension reads a config without building anything; it must say what the objective built from it has.
  const sized: ObjectiveConfig[] = [
    ...Object.values(objectiveInfo).map((info) => info.defaultConfig),
    { id: 'rosenbrock', dim: 7 },
    { id: 'ill-conditioned', dim: 3, condition: 10 },
    { id: 'rastrigin', dim: 1 },
    { ...objectiveInfo['sparse-logreg'].defaultConfig, samples: 20, features: 37, nonZerosPerSample: 3 },
  ];
  it.each(sized.map((config) => [JSON.stringify(config), config] as const))(
    "objectiveDimension(%s) is the built objective's dim",
    (_name, config) => {
      const objective = createObjective(config);
      expect(objectiveDimension(config)).toBe(objective.dim);
      expect(objective.defaultStart().length).toBe(objective.dim);
    },
  );
});
