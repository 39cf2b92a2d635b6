// The runs table's filter, for `mlpw runs --filter` and the app: conditions `KEY OP VALUE` joined by `and`, e.g.
// `val_acc > 0.9 and model.layers.activation = relu and tag = baseline`. KEY is any column (run-columns.ts); OP one of
// = != < <= > >=; VALUE a number, a word or a quoted string. A run whose value is missing passes only `!=`.
import { ColumnError, resolveColumn, type CellValue, type Column, type RunWithEpochs } from './run-columns.ts';

const OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
type Op = (typeof OPS)[number];

interface Condition {
  column: Column | 'tag';
  op: Op;
  value: string;
}

export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

interface Token {
  text: string;
  /** 1-based column in the expression */
  at: number;
  quoted: boolean;
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(!=|<=|>=|==|=|<|>)|([^\s=!<>"']+))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(expr)) !== null) {
    const at = m.index + m[0].length - m[0].trimStart().length + 1;
    const quoted = m[1] ?? m[2];
    if (quoted !== undefined) tokens.push({ text: quoted.replace(/\\(.)/g, '$1'), at, quoted: true });
    else tokens.push({ text: m[3] === '==' ? '=' : (m[3] ?? m[4])!, at, quoted: false });
    end = re.lastIndex;
  }
  const rest = expr.slice(end);
  if (rest.trim() !== '')
    throw new FilterError(
      `unexpected ${JSON.stringify(rest.trim()[0])} at column ${end + rest.length - rest.trimStart().length + 1} (a quote left open?)`,
    );
  return tokens;
}

/**
 * The filter as a predicate over runs; errors name the token and its column. `resolve`: how a key becomes a column
 * (runTable's remembers each run's cells across calls).
 */
export function parseFilter(
  expr: string,
  runs: readonly RunWithEpochs[],
  resolve: (key: string) => Column = (key) => resolveColumn(key, runs),
): (r: RunWithEpochs) => boolean {
  const tokens = tokenize(expr);
  if (tokens.length === 0)
    throw new FilterError('empty filter (e.g. "val_acc > 0.9 and model.layers.activation = relu")');
  const conditions: Condition[] = [];
  let i = 0;
  const near = (t: Token | undefined) => (t ? `"${t.text}" at column ${t.at}` : 'the end');
  for (;;) {
    const key = tokens[i];
    if (!key || key.quoted || (OPS as readonly string[]).includes(key.text))
      throw new FilterError(`expected a column name, found ${near(key)}`);
    const op = tokens[i + 1];
    if (!op || op.quoted || !(OPS as readonly string[]).includes(op.text))
      throw new FilterError(`expected an operator (${OPS.join(' ')}) after "${key.text}", found ${near(op)}`);
    const value = tokens[i + 2];
    if (!value || (!value.quoted && (OPS as readonly string[]).includes(value.text)))
      throw new FilterError(`expected a value after "${key.text} ${op.text}", found ${near(value)}`);
    let column: Column | 'tag';
    if (key.text === 'tag' || key.text === 'tags') {
      if (op.text !== '=' && op.text !== '!=')
        throw new FilterError(
          `"${key.text}" takes = or != (has the tag or not), found "${op.text}" at column ${op.at}`,
        );
      column = 'tag';
    } else {
      try {
        column = resolve(key.text);
      } catch (e) {
        if (e instanceof ColumnError) throw new FilterError(`${e.message}, at column ${key.at}`);
        throw e;
      }
    }
    conditions.push({ column, op: op.text as Op, value: value.text });
    i += 3;
    const joiner = tokens[i];
    if (!joiner) break;
    if (joiner.quoted || joiner.text.toLowerCase() !== 'and')
      throw new FilterError(
        `expected "and" or the end after "${key.text} ${op.text} ${value.text}", found ${near(joiner)}`,
      );
    i++;
  }
  return (r) => conditions.every((c) => holds(c, r));
}

function holds(c: Condition, r: RunWithEpochs): boolean {
  if (c.column === 'tag') return r.run.tags.includes(c.value) === (c.op === '=');
  return compare(c.column.value(r), c.op, c.value);
}

function compare(v: CellValue, op: Op, text: string): boolean {
  if (v === null) return op === '!=';
  const wanted = Number(text);
  const numeric = typeof v === 'number' && text.trim() !== '' && Number.isFinite(wanted);
  const order = numeric ? Math.sign((v as number) - wanted) : String(v).localeCompare(text);
  switch (op) {
    case '=':
      return numeric ? v === wanted : String(v) === text;
    case '!=':
      return numeric ? v !== wanted : String(v) !== text;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}
