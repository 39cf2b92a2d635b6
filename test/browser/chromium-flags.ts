// Flags that give headless Debian Chromium a WebGPU adapter here (SwiftShader, software, isFallbackAdapter true),
// without network chatter. `--enable-unsafe-webgpu` is the one that matters on Linux; the page must be a secure
// context (http://127.0.0.1 or localhost, not about:blank) for navigator.gpu to exist.
import { findChromium } from './find-chromium.ts';

export const CHROMIUM_SEARCH = findChromium();
/** The Chromium found (find-chromium.ts), or Debian's path, which the launch then names when it is missing. */
export const CHROMIUM_PATH = CHROMIUM_SEARCH.found ? CHROMIUM_SEARCH.path : '/usr/bin/chromium';
export const CHROMIUM_WEBGPU_ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
