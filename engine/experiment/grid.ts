// Sweep grids: `KEY=V1,V2,…` axes over a base config, expanded to their cartesian product (first axis outermost).
// Pure functions, shared by `mlpw sweep`, the API's createSweep and the renderer's sweep builder; every point is
// validated before any run starts, and errors name the key and value. Messages read as the CLI flag (`--grid …`);
// a GridError's detail is the same sentence without the flag.
import { ConfigError, parseConfig, type ExperimentConfig } from '../config.ts';
import { flattenConfig } from './config-keys.ts';
import type { GridAxis } from './grid-axis.ts';

export interface GridPoint {
  /** key → value of this point, in axis order */
  assignments: { key: string; value: unknown; text: string }[];
  config: ExperimentConfig;
}

/** A grid that cannot be run: a malformed axis, a key given twice, too many points, or a point the config rejects. */
export class GridError extends Error {
  readonly code = 'invalid_grid';
  /** the message without the CLI's `--grid ` in front: what the API and the window show */
  readonly detail: string;
  constructor(
    detail: string,
    /** the axis key at fault, where one is */
    readonly field?: string,
    /** 'axis': about one --grid flag, so the CLI's message starts with it */
    about: 'axis' | 'grid' = 'axis',
  ) {
    super(about === 'axis' ? `--grid ${detail}` : detail);
    this.name = 'GridError';
    this.detail = detail;
  }
}

export const MAX_GRID_POINTS = 10_000;
const LAYERS = 'model.layers';

/** The keys a grid may vary: every config path `show` prints, plus the run name. */
export function gridKeys(): string[] {
  return [...flattenConfig(parseConfig({})).keys(), 'name'];
}

/** "16x16" → [16, 16]; "0" or "none" → [] (no hidden layer). */
function unitsValue(key: string, text: string): number[] {
  if (text === '0' || text === 'none') return [];
  return text.split('x').map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n <= 0)
      throw new GridError(`${key}=${text}: "${part}" is not a positive number of units (write layers as 16x16)`, key);
    return n;
  });
}

/** One value as --grid and --param choice:… write it: a layer list for model.layers, else a number, boolean or string. */
export function parseGridValue(key: string, text: string): unknown {
  return key === LAYERS ? unitsValue(key, text) : scalarValue(text);
}

function scalarValue(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  return text;
}

export function parseGridFlag(flag: string, known: readonly string[] = gridKeys()): GridAxis {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new GridError(`"${flag}": expected KEY=V1,V2,… (e.g. optimizer.lr=0.1,0.01)`);
  const key = flag.slice(0, eq).trim();
  if (!known.includes(key)) throw new GridError(`${key}: not a config key (keys: ${known.join(', ')})`, key);
  const texts = flag
    .slice(eq + 1)
    .split(',')
    .map((t) => t.trim());
  if (texts.some((t) => t === '')) throw new GridError(`${key}: an empty value in "${flag.slice(eq + 1)}"`, key);
  const seen = new Set<string>();
  for (const t of texts) {
    if (seen.has(t)) throw new GridError(`${key}: the value ${t} is listed twice`, key);
    seen.add(t);
  }
  return { key, values: texts.map((t) => parseGridValue(key, t)) };
}

export function valueText(key: string, value: unknown): string {
  if (key === LAYERS) return (value as number[]).length ? (value as number[]).join('x') : '0';
  return String(value);
}

type Plain = Record<string, unknown>;

/** Writes one grid value into a config input; a layer list keeps each layer's (or the last layer's) other settings. */
function assign(input: Plain, key: string, value: unknown): void {
  const model = input.model as Plain;
  const layers = model.layers as Plain[];
  if (key === LAYERS) {
    model.layers = (value as number[]).map((units, i) => ({
      ...(layers[i] ?? layers[layers.length - 1] ?? {}),
      units,
    }));
  } else if (key === `${LAYERS}.activation` || key === `${LAYERS}.dropout`) {
    const prop = key.slice(LAYERS.length + 1);
    model.layers = layers.map((l) => ({ ...l, [prop]: value }));
  } else {
    const path = key.split('.');
    let at = input;
    for (const part of path.slice(0, -1)) at = at[part] as Plain;
    at[path[path.length - 1]!] = value;
  }
}

/** Every point of the grid over `base`, validated; throws GridError naming the axis key and value at fault. */
export function expandGrid(base: ExperimentConfig, axes: readonly GridAxis[]): GridPoint[] {
  const keys = axes.map((a) => a.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new GridError(`${twice}: the key is given twice; list all its values in one --grid`, twice);
  const size = axes.reduce((n, a) => n * a.values.length, 1);
  if (axes.length === 0) throw new GridError('sweep needs at least one --grid KEY=V1,V2,…', undefined, 'grid');
  if (size > MAX_GRID_POINTS)
    throw new GridError(
      `the grid has ${size} points, more than ${MAX_GRID_POINTS}; split it into several sweeps`,
      undefined,
      'grid',
    );
  // The layer list first, so that a grid over model.layers.activation applies to the new layers.
  const order = [...axes.keys()].sort((a, b) => Number(axes[b]!.key === LAYERS) - Number(axes[a]!.key === LAYERS));
  const points: GridPoint[] = [];
  const index = new Array<number>(axes.length).fill(0);
  for (let p = 0; p < size; p++) {
    let rest = p;
    for (let a = axes.length - 1; a >= 0; a--) {
      index[a] = rest % axes[a]!.values.length;
      rest = Math.floor(rest / axes[a]!.values.length);
    }
    const assignments = axes.map((axis, a) => {
      const value = axis.values[index[a]!];
      return { key: axis.key, value, text: valueText(axis.key, value) };
    });
    points.push(pointAt(base, assignments, order));
  }
  return points;
}

/** One point over `base`, validated (GridError naming the key at fault); the layer list is written first. */
export function pointAt(
  base: ExperimentConfig,
  assignments: GridPoint['assignments'],
  order = [...assignments.keys()].sort(
    (a, b) => Number(assignments[b]!.key === LAYERS) - Number(assignments[a]!.key === LAYERS),
  ),
): GridPoint {
  const input = structuredClone(base) as unknown as Plain;
  for (const a of order) assign(input, assignments[a]!.key, assignments[a]!.value);
  return { assignments, config: validatePoint(input, assignments) };
}

function validatePoint(input: Plain, assignments: GridPoint['assignments']): ExperimentConfig {
  try {
    return parseConfig(input);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // Blame the axis whose key the bad field lies under (model.layers[0].units → model.layers).
    const field = (e.field ?? '').replace(/\[\d+\]/g, '');
    const culprit =
      assignments.find((a) => field === a.key) ??
      assignments.find((a) => field.startsWith(a.key + '.') || a.key.startsWith(field + '.'));
    const where = culprit ? `${culprit.key}=${culprit.text}` : assignments.map((a) => `${a.key}=${a.text}`).join(' ');
    throw new GridError(`${where}: ${e.message}`, culprit?.key);
  }
}
