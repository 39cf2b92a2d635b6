// A GPU kernel as data (the tfjs-backend-webgpu pattern): the WGSL it generates, its geometry, and the bindings it
// expects. Shapes travel in a small uniform block, so one compiled pipeline serves every layer whose shader key
// matches; the key names everything that changes the WGSL text (variant, activation, vec4 and bounds-check flags).

/** Storage bindings in binding order: `read` is read-only storage, `write` is read_write storage. */
export type BindingKind = 'read' | 'write';

export interface Uniform {
  name: string;
  type: 'u32' | 'f32';
  value: number;
}

export interface KernelProgram {
  /** kernel family, as registered in kernels/index.ts. */
  readonly name: string;
  /** identifies the WGSL text exactly: the pipeline cache key. */
  readonly shaderKey: string;
  /** invocations per workgroup (x, y, z). */
  readonly workgroupSize: readonly [number, number, number];
  /** workgroups to launch (x, y, z). */
  readonly dispatch: readonly [number, number, number];
  /** storage buffers at @group(0) @binding(0..), then the `Params` uniform at the next binding. */
  readonly bindings: readonly BindingKind[];
  /** the `Params` block: shapes and constants of this instance (4-byte fields, in order). */
  readonly uniforms: readonly Uniform[];
  /** reads the per-batch block (`Batch`, @group(1) @binding(0), dynamic offset). */
  readonly perBatch: boolean;
  wgsl(): string;
}

/** Per-batch values written once per submit, one 256-byte slot per batch (the uniform offset alignment). */
export const BATCH_SLOT_BYTES = 256;
export const BATCH_WGSL = /* wgsl */ `
struct Batch {
  offset: u32, // first position in the order buffer
  step: u32,   // global batch step (dropout counter; Adam's t is step + 1)
  slot: u32,   // this batch's loss/correct pair in the sums buffer, and its row of gradSquares
  lr: f32,
  c1: f32,     // Adam bias correction 1 - beta1^t
  c2: f32,     // Adam bias correction 1 - beta2^t
}
@group(1) @binding(0) var<uniform> batch: Batch;
`;

/** The declarations every kernel starts with: its storage bindings and its Params block. */
export function bindingsWgsl(program: Pick<KernelProgram, 'uniforms' | 'perBatch'>, storage: string[]): string {
  const fields = program.uniforms.map((u) => `  ${u.name}: ${u.type},`).join('\n');
  const lines = storage.map((decl, i) => `@group(0) @binding(${i}) ${decl};`);
  lines.push(`struct Params {\n${fields}\n}`);
  lines.push(`@group(0) @binding(${storage.length}) var<uniform> p: Params;`);
  if (program.perBatch) lines.push(BATCH_WGSL);
  return lines.join('\n');
}

/** The Params block's bytes, padded to 16. */
export function packUniforms(uniforms: readonly Uniform[]): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((uniforms.length * 4) / 16) * 16);
  const buf = new ArrayBuffer(bytes);
  const u32 = new Uint32Array(buf);
  const f32 = new Float32Array(buf);
  uniforms.forEach((u, i) => {
    if (u.type === 'u32') u32[i] = u.value >>> 0;
    else f32[i] = u.value;
  });
  return buf;
}

/** Threads per workgroup of the one-dimensional (elementwise) kernels. */
export const LINEAR_WORKGROUP = 256;
const MAX_GROUPS_PER_DIM = 65535;

/** Workgroups for `count` invocations, spilling into y past the 65535-per-dimension limit. */
export function linearDispatch(count: number, perGroup = LINEAR_WORKGROUP): [number, number, number] {
  const groups = Math.max(1, Math.ceil(count / perGroup));
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1, 1];
  return [MAX_GROUPS_PER_DIM, Math.ceil(groups / MAX_GROUPS_PER_DIM), 1];
}

/** The flat invocation index of a linearDispatch'ed kernel (needs `gid` and `nwg` builtins in scope). */
export const LINEAR_INDEX = 'gid.x + gid.y * nwg.x * ' + LINEAR_WORKGROUP + 'u';
export const LINEAR_ENTRY = `@compute @workgroup_size(${LINEAR_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;
