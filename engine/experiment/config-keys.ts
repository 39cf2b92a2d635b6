// An ExperimentConfig as flat `path = value` pairs, for show, compare, CSV exports and sweep tables. The layer list
// reads as one value per property ("16x16", "relu") rather than one key per layer, so runs with different depths line up.
import type { ExperimentConfig } from '../config.ts';

export type FlatValue = string | number | boolean | null;

function same<T>(values: T[]): boolean {
  return values.every((v) => v === values[0]);
}

export function flattenConfig(config: ExperimentConfig): Map<string, FlatValue> {
  const out = new Map<string, FlatValue>();
  const walk = (value: unknown, path: string) => {
    if (path === 'model.layers') {
      const layers = config.model.layers;
      out.set('model.layers', layers.map((l) => l.units).join('x'));
      const acts = layers.map((l) => l.activation);
      const drops = layers.map((l) => l.dropout);
      out.set('model.layers.activation', layers.length === 0 ? null : same(acts) ? acts[0]! : acts.join(','));
      out.set('model.layers.dropout', layers.length === 0 ? null : same(drops) ? drops[0]! : drops.join(','));
      return;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    out.set(path, value === undefined ? null : Array.isArray(value) ? JSON.stringify(value) : (value as FlatValue));
  };
  walk(config, '');
  return out;
}

export function flatText(v: FlatValue | undefined): string {
  if (v === undefined || v === null) return '-';
  return String(v);
}

/** Every key any of the configs has, in first-seen order, with each config's value. */
export function configTable(configs: ExperimentConfig[]): { key: string; values: (FlatValue | undefined)[] }[] {
  const flats = configs.map(flattenConfig);
  const keys: string[] = [];
  for (const f of flats) for (const k of f.keys()) if (!keys.includes(k)) keys.push(k);
  return keys.map((key) => ({ key, values: flats.map((f) => f.get(key)) }));
}

export function differs(values: (FlatValue | undefined)[]): boolean {
  return !values.every((v) => v === values[0]);
}
