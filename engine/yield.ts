// Lets a worker's event loop run so a waiting `cancel` message is delivered; training calls it every ~100 ms.
export const YIELD_EVERY_MS = 100;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
