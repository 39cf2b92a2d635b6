// At most one call per display refresh (requestAnimationFrame), the latest state never lost: however fast a run
// reports (thousands of epochs a second, or one every few seconds in slow motion), the page draws each frame once.
export interface FrameCoalesced {
  /** ask for a call at the next frame; asking again before it comes costs nothing */
  (): void;
  /** run a pending call now (a run ended, or paused: show that exact step at once) */
  flush(): void;
  cancel(): void;
}

/**
 * `minGapMs`: frames at least this far apart (a chart's redraw costs more than a frame's budget at hundreds of epochs
 * a second; a slow-motion run, slower than the gap, still shows every step as it comes).
 */
export function coalesceToFrame(fn: () => void, minGapMs = 0): FrameCoalesced {
  let handle: number | null = null;
  let gapTimer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  const frame =
    typeof requestAnimationFrame === 'function'
      ? requestAnimationFrame
      : (f: () => void) => setTimeout(f, 16) as unknown as number;
  const cancelFrame =
    typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame : (h: number) => clearTimeout(h);
  const run = () => {
    handle = null;
    last = performance.now();
    fn();
  };
  const coalesced = (() => {
    if (handle !== null || gapTimer !== undefined) return;
    const wait = last + minGapMs - performance.now();
    if (wait <= 0) handle = frame(run);
    else
      gapTimer = setTimeout(() => {
        gapTimer = undefined;
        handle ??= frame(run);
      }, wait);
  }) as FrameCoalesced;
  const pending = () => handle !== null || gapTimer !== undefined;
  coalesced.cancel = () => {
    if (handle !== null) cancelFrame(handle);
    clearTimeout(gapTimer);
    handle = null;
    gapTimer = undefined;
  };
  coalesced.flush = () => {
    if (!pending()) return;
    coalesced.cancel();
    run();
  };
  return coalesced;
}
