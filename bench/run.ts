// `npm run bench`: runs every bench/*.bench.ts in name order. Each module exports `run(): Promise<void>` and prints
// its own table; numbers are ratios against peers measured in this same process.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

/** 1, 5 and 15-minute load averages, e.g. "3.10 / 2.40 / 2.05". */
const loadAverages = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

console.log(
  `MLP Workbench benchmarks — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
    `load average ${loadAverages()} at ${new Date().toISOString().slice(0, 16)}Z`,
);
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const mod = (await import(new URL(file, import.meta.url).href)) as { run(): Promise<void> };
  await mod.run();
  // Shared machines: each section's load says how far its numbers can be trusted.
  console.log(`  (load average after ${file}: ${os.loadavg()[0]!.toFixed(2)})`);
}
