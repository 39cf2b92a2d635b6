// A value as JSON for an error message, cut to about `max` characters: a user's file may hold a 100 MB string or
// a value nested 100,000 levels deep, and a message quotes only enough of it to recognise.

/** JSON text of `value`, at most `max` characters (then "…"); never walks further into the value than it prints. */
export function excerpt(value: unknown, max = 80): string {
  let out = '';
  // Each step writes at least one character, so the walk ends (and its recursion is at most `max` deep) once full.
  const write = (v: unknown): void => {
    if (out.length > max) return;
    if (typeof v === 'string') out += JSON.stringify(v.slice(0, max + 1 - out.length + 1));
    else if (v === undefined || typeof v === 'function' || typeof v === 'symbol') out += 'undefined';
    else if (typeof v === 'bigint') out += String(v);
    else if (v === null || typeof v !== 'object') out += JSON.stringify(v);
    else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && out.length <= max; i++) {
        if (i > 0) out += ',';
        write(v[i]);
      }
      out += ']';
    } else {
      out += '{';
      let first = true;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (out.length > max) break;
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(key.slice(0, max + 1)) + ':';
        write((v as Record<string, unknown>)[key]);
      }
      out += '}';
    }
  };
  write(value);
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** Names joined with ", " for a message, cut to about `max` characters with the count of all of them. */
export function excerptList(names: readonly string[], max = 80): string {
  const all = names.join(', ');
  if (all.length <= max) return all;
  return `${all.slice(0, max - 1)}… (${names.length} in all)`;
}

/** Plain text (a name, a type) for a message, unquoted, cut to about `max` characters. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
