// Where a JSON text first goes wrong, as line and column: Node 20's JSON.parse messages often omit the position.
// A small recursive-descent scan over the JSON grammar (RFC 8259) that stops at the first unexpected character.

export function jsonErrorLocation(text: string): { line: number; column: number } | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  // One value, with the containers it is inside on an explicit stack: any depth of nesting is safe.
  const value = (): void => {
    const open: string[] = [];
    for (;;) {
      ws();
      const c = text[i];
      let done = true;
      if (c === '{') {
        i++;
        ws();
        if (text[i] === '}') i++;
        else {
          open.push('}');
          key();
          continue;
        }
      } else if (c === '[') {
        i++;
        ws();
        if (text[i] === ']') i++;
        else {
          open.push(']');
          continue;
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else number();
      // after a value: close containers, or go on to the next member
      while (done && open.length > 0) {
        ws();
        const close = open.at(-1)!;
        if (text[i] === ',') {
          i++;
          if (close === '}') key();
          done = false;
        } else if (text[i] === close) {
          i++;
          open.pop();
        } else fail();
      }
      if (done) return;
    }
  };
  // `"name":` of an object member, up to its value
  const key = () => {
    ws();
    if (text[i] !== '"') fail();
    string();
    ws();
    if (text[i] !== ':') fail();
    i++;
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return null;
  } catch (at) {
    if (typeof at !== 'number') throw at;
    const before = text.slice(0, at).split('\n');
    return { line: before.length, column: before.at(-1)!.length + 1 };
  }
}
