// How a backend is named in the app: what actually ran, including a software (SwiftShader) WebGPU adapter.
import type { BackendInfo } from '../../engine/types.ts';

export function backendLabel(b: BackendInfo | null | undefined): string {
  if (!b) return '–';
  if (b.backend === 'cpu') return `CPU (${b.kernels}${b.threads && b.threads > 1 ? `, ${b.threads} threads` : ''})`;
  const a = b.adapter;
  const name = a?.description || [a?.vendor, a?.architecture].filter(Boolean).join(' ') || 'adapter';
  return `WebGPU (${name}${a?.isFallback ? ', software' : ''})`;
}
