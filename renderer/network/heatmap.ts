// A unit's activation grid painted as a diverging heatmap: blue where the unit is positive (above ½ for a
// probability), orange where negative, a neutral middle matching the theme's panel. One pixel per cell; the canvas
// scales it up (smoothed for the enlarged view, crisp for thumbnails).
import type { Theme } from '../shell/theme.ts';

type Rgb = [number, number, number];

/** The edge and heatmap colours: blue positive, orange negative (TensorFlow Playground's pair), readable on both panels. */
export const SIGN_COLORS: Record<Theme, { pos: string; neg: string; mid: Rgb; posRgb: Rgb; negRgb: Rgb }> = {
  light: { pos: '#2f6db5', neg: '#d9822b', posRgb: [47, 109, 181], negRgb: [217, 130, 43], mid: [246, 247, 249] },
  dark: { pos: '#6ea8ea', neg: '#f0a35a', posRgb: [110, 168, 234], negRgb: [240, 163, 90], mid: [40, 45, 52] },
};

/** Where a unit's colour scale is centred and how far it reaches: probabilities around ½, the rest around 0. */
export function heatScale(probability: boolean, min: number, max: number): { centre: number; reach: number } {
  if (probability) return { centre: 0.5, reach: 0.5 };
  const reach = Math.max(Math.abs(min), Math.abs(max));
  return { centre: 0, reach: reach > 0 ? reach : 1 };
}

/** RGBA pixels of one unit's cells (row-major from the bottom row, x fastest), the top row first as a canvas wants. */
export function heatPixels(
  values: Float32Array,
  offset: number,
  resolution: number,
  scale: { centre: number; reach: number },
  theme: Theme,
): Uint8ClampedArray<ArrayBuffer> {
  const { posRgb, negRgb, mid } = SIGN_COLORS[theme];
  const px = new Uint8ClampedArray(new ArrayBuffer(resolution * resolution * 4));
  for (let r = 0; r < resolution; r++)
    for (let c = 0; c < resolution; c++) {
      const t = Math.max(-1, Math.min(1, (values[offset + r * resolution + c]! - scale.centre) / scale.reach));
      const to = t >= 0 ? posRgb : negRgb;
      const a = Math.abs(t);
      const p = 4 * ((resolution - 1 - r) * resolution + c);
      for (let ch = 0; ch < 3; ch++) px[p + ch] = mid[ch]! + (to[ch]! - mid[ch]!) * a;
      px[p + 3] = 255;
    }
  return px;
}

/** Paints the pixels into the canvas (resolution × resolution backing store); a DOM without 2-D canvases skips it. */
export function paintHeatmap(
  canvas: HTMLCanvasElement,
  pixels: Uint8ClampedArray<ArrayBuffer>,
  resolution: number,
): void {
  const ctx = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
  if (!ctx || typeof ImageData === 'undefined') return;
  canvas.width = resolution;
  canvas.height = resolution;
  ctx.putImageData(new ImageData(pixels, resolution, resolution), 0, 0);
}

/** RGBA pixels of one first-layer unit's incoming weights as a side × side image (row-major from the top, as the
 *  images' pixels are): blue positive, orange negative, scaled by the unit's own max |w|. */
export function weightPixels(
  W: Float32Array,
  units: number,
  unit: number,
  side: number,
  theme: Theme,
): Uint8ClampedArray<ArrayBuffer> {
  const { posRgb, negRgb, mid } = SIGN_COLORS[theme];
  const n = side * side;
  let reach = 0;
  for (let p = 0; p < n; p++) reach = Math.max(reach, Math.abs(W[p * units + unit]!));
  reach ||= 1;
  const px = new Uint8ClampedArray(new ArrayBuffer(n * 4));
  for (let p = 0; p < n; p++) {
    const t = W[p * units + unit]! / reach;
    const to = t >= 0 ? posRgb : negRgb;
    const a = Math.abs(t);
    for (let ch = 0; ch < 3; ch++) px[4 * p + ch] = mid[ch]! + (to[ch]! - mid[ch]!) * a;
    px[4 * p + 3] = 255;
  }
  return px;
}
