// Lets a worker's event loop run so a waiting `cancel` message is delivered; training calls it every ~100 ms.
export const YIELD_EVERY_MS = 100;

/**
 * Node's setImmediate: one turn of the loop (its poll phase delivers the messages), where setTimeout(0) waits at
 * least 1 ms (~1 % of training at one yield per 100 ms). A page's worker has no setImmediate: setTimeout(0) there.
 */
const setImmediateIfAny = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (setImmediateIfAny ? setImmediateIfAny(resolve) : setTimeout(resolve, 0)));
}
