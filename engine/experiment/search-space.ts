// Search spaces for random and Bayesian sweeps: `--param KEY=DIST` with DIST uniform:A:B, loguniform:A:B, int:A:B or
// choice:V1,V2,… (values as --grid writes them). Pure; every error names the key and the text, as a GridError does.
import type { ExperimentConfig } from '../config.ts';
import { GridError, gridKeys, parseGridValue, pointAt, valueText } from './grid.ts';

export type ParamDist =
  { kind: 'uniform' | 'loguniform' | 'int'; low: number; high: number } | { kind: 'choice'; values: unknown[] };

export interface SearchParam {
  key: string;
  dist: ParamDist;
  /** the DIST text as given, e.g. "loguniform:0.001:0.1" */
  text: string;
}

/** A search space that cannot be sampled; exits 2 in the CLI like a bad --grid. */
export class SearchSpaceError extends GridError {
  constructor(detail: string, field?: string) {
    super(detail, field, 'grid');
    this.message = `--param ${detail}`;
    this.name = 'SearchSpaceError';
  }
}

const LAYERS = 'model.layers';

function bound(key: string, dist: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new SearchSpaceError(`${key}=${dist}: "${text}" is not a number`, key);
  return n;
}

export function parseParamFlag(flag: string, known: readonly string[] = gridKeys()): SearchParam {
  const eq = flag.indexOf('=');
  if (eq <= 0)
    throw new SearchSpaceError(`"${flag}": expected KEY=DIST (e.g. optimizer.lr=loguniform:0.001:0.1)`, undefined);
  const key = flag.slice(0, eq).trim();
  const text = flag.slice(eq + 1).trim();
  if (!known.includes(key)) throw new SearchSpaceError(`${key}: not a config key (keys: ${known.join(', ')})`, key);
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  if (kind === 'choice') {
    const texts = rest.split(',').map((t) => t.trim());
    if (texts.some((t) => t === '')) throw new SearchSpaceError(`${key}=${text}: an empty choice`, key);
    if (new Set(texts).size !== texts.length)
      throw new SearchSpaceError(`${key}=${text}: a choice is listed twice`, key);
    const values = texts.map((t) => {
      try {
        return parseGridValue(key, t);
      } catch (e) {
        throw e instanceof GridError ? new SearchSpaceError(e.detail, key) : e;
      }
    });
    return { key, dist: { kind, values }, text };
  }
  if (kind !== 'uniform' && kind !== 'loguniform' && kind !== 'int')
    throw new SearchSpaceError(`${key}=${text}: expected uniform:A:B, loguniform:A:B, int:A:B or choice:V1,V2,…`, key);
  if (key === LAYERS) throw new SearchSpaceError(`${key}=${text}: layer lists take choice:16,32,16x16`, key);
  const parts = rest.split(':');
  if (parts.length !== 2) throw new SearchSpaceError(`${key}=${text}: expected ${kind}:A:B`, key);
  const low = bound(key, text, parts[0]!);
  const high = bound(key, text, parts[1]!);
  if (!(low < high)) throw new SearchSpaceError(`${key}=${text}: A must be less than B`, key);
  if (kind === 'loguniform' && low <= 0) throw new SearchSpaceError(`${key}=${text}: loguniform needs A > 0`, key);
  if (kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high)))
    throw new SearchSpaceError(`${key}=${text}: int needs whole numbers`, key);
  return { key, dist: { kind, low, high }, text };
}

/** The values a check of the space tries: both ends and the middle of a range, every choice. */
function probeValues(dist: ParamDist): unknown[] {
  if (dist.kind === 'choice') return dist.values;
  if (dist.kind === 'int') return [dist.low, dist.high];
  const mid = dist.kind === 'loguniform' ? Math.sqrt(dist.low * dist.high) : (dist.low + dist.high) / 2;
  return [dist.low, mid, dist.high];
}

/** Checks the space against `base` before any run: keys given once, every range end and choice a valid config. */
export function validateSpace(base: ExperimentConfig, params: readonly SearchParam[]): void {
  if (params.length === 0) throw new SearchSpaceError('a random or bayes sweep needs at least one --param KEY=DIST');
  const keys = params.map((p) => p.key);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new SearchSpaceError(`${twice}: the key is given twice`, twice);
  for (const p of params)
    for (const value of probeValues(p.dist)) {
      try {
        pointAt(base, [{ key: p.key, value, text: valueText(p.key, value) }]);
      } catch (e) {
        if (!(e instanceof GridError)) throw e;
        throw new SearchSpaceError(`${p.key}=${p.text}: ${e.detail.replace(/^[^:]*: /, '')}`, p.key);
      }
    }
}
