// A bump allocator over the kernels' memory: the backend allocates its buffers once (and again only when a larger
// batch arrives), never frees. Views are made fresh because growing the memory replaces its buffer.
const PAGE = 65536;

export class WasmHeap {
  constructor(
    readonly memory: WebAssembly.Memory,
    private top: number,
  ) {}

  /** `bytes` at a 64-byte aligned offset (a cache line), growing the memory as needed. */
  alloc(bytes: number): number {
    const ptr = Math.ceil(this.top / 64) * 64;
    const end = ptr + Math.max(bytes, 0);
    const size = this.memory.buffer.byteLength;
    if (end > size) this.memory.grow(Math.ceil((end - size) / PAGE));
    this.top = end;
    return ptr;
  }

  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count);
  }

  u32(ptr: number, count: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, count);
  }

  f64(ptr: number, count: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, count);
  }

  get bytesUsed(): number {
    return this.top;
  }
}
