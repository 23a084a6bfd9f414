/** What tells runs apart, for legends and comparison tables: only the settings that differ between them. */
import type { RunConfig } from './contract/types';
import { describeObjective, formatMetric } from './format';

/** A run's settings as flat name → text pairs: objective, start, optimizer, each hyperparameter, steps, seed. */
export function settingsOf(config: RunConfig): Map<string, string> {
  const settings = new Map<string, string>([
    ['objective', describeObjective(config.objective)],
    ['start', config.start ? config.start.join(' ') : 'default'],
    ['optimizer', config.optimizer.kind],
  ]);
  for (const [name, value] of Object.entries(config.optimizer)) if (name !== 'kind') settings.set(name, String(value));
  settings.set('steps', String(config.steps));
  settings.set('seed', String(config.seed));
  return settings;
}

/**
 * The setting names whose values differ among the runs that have them. A setting only one optimizer has (SGD's
 * momentum beside AdaGrad) is not a difference by itself: the optimizer name already says so.
 */
export function differingSettings(configs: readonly RunConfig[]): string[] {
  const all = configs.map(settingsOf);
  const names = [...new Set(all.flatMap((s) => [...s.keys()]))];
  return names.filter((name) => new Set(all.flatMap((s) => (s.has(name) ? [s.get(name)] : []))).size > 1);
}

/** Numbers to 6 significant digits for reading; anything else as it is. */
export function shortValue(value: string): string {
  const x = Number(value);
  return value.trim() !== '' && Number.isFinite(x) ? formatMetric(x) : value;
}

/** A legend label naming only what differs and this run has: "lr=0.1 eps=1e-8"; a lone run gets optimizer and lr. */
export function legendLabel(config: RunConfig, differing: readonly string[]): string {
  const settings = settingsOf(config);
  const names = differing.length > 0 ? differing : ['optimizer', 'lr'];
  return names.flatMap((name) => (settings.has(name) ? [`${name}=${shortValue(settings.get(name)!)}`] : [])).join(' ');
}
