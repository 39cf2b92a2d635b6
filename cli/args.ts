// Flag parsing on node:util parseArgs (strict: unknown flags are errors), with typed number/list readers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends Options>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: expected a number, got "${value}"`);
  return n;
}

export function intFlag(name: string, value: string | undefined): number | undefined {
  const n = numberFlag(name, value);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${name}: expected an integer, got "${value}"`);
  return n;
}

/** "32,32" or "32x32" → [32, 32]. */
export function unitsList(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || value === '0') return [];
  return value.split(/[,x]/).map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name}: "${part}" is not a positive integer (in "${value}")`);
    return n;
  });
}
