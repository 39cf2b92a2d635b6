// Flag parsing on node:util parseArgs (strict: unknown flags are errors), with typed number/list readers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { excerpt } from '../engine/excerpt.ts';
import { UsageError } from './errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<T extends Options>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    // node:util quotes the offending argument whole; a pasted 100 MB argument must not come back whole.
    const message = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '');
    throw new UsageError(message.length > 200 ? `${message.slice(0, 200)}…` : message);
  }
}

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${name}: expected a number, got ${excerpt(value)}`);
  return n;
}

export function intFlag(name: string, value: string | undefined): number | undefined {
  const n = numberFlag(name, value);
  if (n !== undefined && !Number.isInteger(n))
    throw new UsageError(`--${name}: expected an integer, got ${excerpt(value)}`);
  return n;
}

/** "32,32" or "32x32" → [32, 32]. */
export function unitsList(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || value === '0') return [];
  return value.split(/[,x]/).map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`--${name}: ${excerpt(part)} is not a positive integer (in ${excerpt(value)})`);
    return n;
  });
}
