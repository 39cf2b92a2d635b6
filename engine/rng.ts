// Seeded randomness. Two kinds:
// - `Rng`: a sequential generator (xoshiro128**) for initialisation, data generation and the epoch permutation.
// - `hashUniform`: a counter-based generator for dropout masks, a pure function of (seed, step, layer, index) so
//   every backend (JS, WebAssembly, WGSL) draws the same mask without sharing state.

/** 32-bit integer mix (lowbias32 by C. Wellons' hash prospector); identical in WGSL with u32 arithmetic. */
export function mix32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform in [0, 1) from a counter: 24 high-quality bits, exactly representable in float32. */
export function hashUniform(seed: number, step: number, layer: number, index: number): number {
  const h = mix32(mix32(mix32(mix32(seed) ^ step) ^ layer) ^ index);
  return (h >>> 8) / 16777216;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    // splitmix-style seeding through mix32 so nearby seeds give unrelated streams.
    let z = (seed >>> 0) ^ 0x9e3779b9;
    this.s0 = mix32((z = (z + 0x9e3779b9) >>> 0));
    this.s1 = mix32((z = (z + 0x9e3779b9) >>> 0));
    this.s2 = mix32((z = (z + 0x9e3779b9) >>> 0));
    this.s3 = mix32((z = (z + 0x9e3779b9) >>> 0));
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits. */
  next(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
