// electron-builder beforePack hook: the Electron build of better-sqlite3 for the arch being packaged, which
// extraResources then copies to resources/native. electron-builder passes the arch as its enum (1 = x64, …).
const { Arch } = require('electron-builder');

exports.default = async function beforePack(context) {
  const { rebuildNative } = await import('./rebuild-native.mjs');
  await rebuildNative(Arch[context.arch]);
};
