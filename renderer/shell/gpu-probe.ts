// What this window can train on: a WebGPU adapter (and whether it is a software fallback), and whether the page is
// cross-origin isolated (SharedArrayBuffer, so the CPU backend may use threads).
export interface HostCapabilities {
  webgpu: { description: string; isFallback: boolean } | null;
  isolated: boolean;
}

export async function probeCapabilities(): Promise<HostCapabilities> {
  const isolated = globalThis.crossOriginIsolated === true;
  try {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) return { webgpu: null, isolated };
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const description = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'adapter';
    return {
      webgpu: {
        description,
        isFallback: info.isFallbackAdapter === true || /swiftshader/i.test(description + info.vendor),
      },
      isolated,
    };
  } catch {
    return { webgpu: null, isolated };
  }
}

export function capabilityLabel(c: HostCapabilities | null): string {
  if (!c) return 'probing…';
  const cpu = c.isolated ? 'CPU (threads)' : 'CPU';
  if (!c.webgpu) return `${cpu}; no WebGPU`;
  return c.webgpu.isFallback
    ? `${cpu}; WebGPU software (${c.webgpu.description})`
    : `WebGPU (${c.webgpu.description}) + ${cpu}`;
}
