// At most one call per display refresh (requestAnimationFrame), the latest state never lost: however fast a run
// reports (thousands of epochs a second, or one every few seconds in slow motion), the page draws each frame once.
export interface FrameCoalesced {
  /** ask for a call at the next frame; asking again before it comes costs nothing */
  (): void;
  /** run a pending call now (a run ended, or paused: show that exact step at once) */
  flush(): void;
  cancel(): void;
}

export function coalesceToFrame(fn: () => void): FrameCoalesced {
  let handle: number | null = null;
  const frame =
    typeof requestAnimationFrame === 'function'
      ? requestAnimationFrame
      : (f: () => void) => setTimeout(f, 16) as unknown as number;
  const cancelFrame =
    typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame : (h: number) => clearTimeout(h);
  const run = () => {
    handle = null;
    fn();
  };
  const coalesced = (() => {
    handle ??= frame(run);
  }) as FrameCoalesced;
  coalesced.flush = () => {
    if (handle === null) return;
    cancelFrame(handle);
    run();
  };
  coalesced.cancel = () => {
    if (handle !== null) cancelFrame(handle);
    handle = null;
  };
  return coalesced;
}
