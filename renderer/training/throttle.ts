// At most one call per `ms` with the latest arguments, the last one never lost: a fast run sends hundreds of epochs
// a second, and redrawing charts (or a decision boundary) for each would starve the page.
export interface Throttled<A extends unknown[]> {
  (...args: A): void;
  /** run a pending call now */
  flush(): void;
  cancel(): void;
}

export function throttle<A extends unknown[]>(fn: (...args: A) => void, ms: number): Throttled<A> {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | null = null;
  const run = () => {
    timer = undefined;
    if (!pending) return;
    const args = pending;
    pending = null;
    last = Date.now();
    fn(...args);
  };
  const throttled = ((...args: A) => {
    pending = args;
    const wait = last + ms - Date.now();
    if (wait <= 0 && timer === undefined) run();
    else timer ??= setTimeout(run, Math.max(0, wait));
  }) as Throttled<A>;
  throttled.flush = () => {
    clearTimeout(timer);
    run();
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    pending = null;
  };
  return throttled;
}
