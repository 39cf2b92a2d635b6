// Naming columns on the command line: `--target COL`, `--features COLS`, `--ignore COLS`, `--categorical COLS`.
// A column is named by its header name (exact, else case-insensitive) or by its 1-based position; `3-7` is a range
// of positions, `#4` is always the 4th column and `"4"` (in double quotes) always the column named 4. A bare number
// that is a position and also another column's name is ambiguous and refused, naming both readings.
import { excerpt, excerptList } from '../../engine/excerpt.ts';
import { ImportError } from '../errors.ts';

/** Refuses a header that names two columns alike (after trimming): both positions are in the message. */
export function checkDuplicateNames(file: string, names: string[]): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const before = seen.get(name);
    if (before !== undefined)
      throw new ImportError(
        'duplicate_column',
        `${file}: duplicate column name ${excerpt(name)} at columns ${before + 1} and ${i + 1}; rename one of them`,
        { file, column: name },
      );
    seen.set(name, i);
  });
}

function byName(names: string[], wanted: string): number {
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const lower = wanted.toLowerCase();
  return names.findIndex((n) => n.toLowerCase() === lower);
}

/** The 0-based columns one token names (a name, a position, `#N`, a range `N-M` or `#N-M`, a quoted name). */
function resolveToken(file: string, flag: string, names: string[], token: string): number[] {
  const unknown = () =>
    new ImportError(
      'unknown_column',
      `${flag}: no column ${excerpt(token)} in ${file} (columns: ${excerptList(names)})`,
      { file, column: token },
    );
  const quoted = /^"(.*)"$/.exec(token);
  if (quoted) {
    const i = byName(names, quoted[1]!);
    if (i < 0) throw unknown();
    return [i];
  }
  const positional = /^(#)?(\d+)(?:-(\d+))?$/.exec(token);
  if (!positional) {
    const i = byName(names, token);
    if (i < 0) throw unknown();
    return [i];
  }
  const from = Number(positional[2]);
  const to = positional[3] === undefined ? from : Number(positional[3]);
  const forced = positional[1] === '#';
  const named = forced ? -1 : byName(names, token);
  if (from < 1 || to > names.length || to < from) {
    if (named >= 0) return [named];
    throw new ImportError(
      'unknown_column',
      `${flag}: ${excerpt(token)} is not a column position of ${file} (1 to ${names.length}) nor a column name (columns: ${excerptList(names)})`,
      { file, column: token },
    );
  }
  const positions = Array.from({ length: to - from + 1 }, (_, k) => from - 1 + k);
  if (named >= 0 && !(positions.length === 1 && positions[0] === named)) {
    const reading =
      positions.length === 1 ? `column ${from} (${excerpt(names[from - 1])})` : `columns ${from} to ${to}`;
    throw new ImportError(
      'ambiguous_column',
      `${flag} ${token} is ambiguous in ${file}: the column named ${excerpt(token)} (column ${named + 1}) or ${reading}; write '"${token}"' for the name or #${token} for the position`,
      { file, column: token },
    );
  }
  return positions;
}

/** The 0-based columns a comma-separated list names, in the order given, each once. */
export function resolveColumnList(file: string, flag: string, names: string[], list: string): number[] {
  const tokens = list
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (tokens.length === 0)
    throw new ImportError('bad_option', `${flag}: expected column names or positions, got ${excerpt(list)}`, { file });
  const out: number[] = [];
  for (const t of tokens) for (const i of resolveToken(file, flag, names, t)) if (!out.includes(i)) out.push(i);
  return out;
}

/** The one 0-based column `--target` names. */
export function resolveTarget(file: string, names: string[], target: string): number {
  const cols = resolveColumnList(file, '--target', names, target);
  if (cols.length !== 1)
    throw new ImportError('bad_option', `--target: expected one column, ${excerpt(target)} names ${cols.length}`, {
      file,
      column: target,
    });
  return cols[0]!;
}
