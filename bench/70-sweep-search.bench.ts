// Issue 18's search methods on one fixed task, driven through the CLI's own `mlpw sweep` in-process (a temporary
// store; the engine proposes, runs and prunes exactly as a user's sweep does): spiral, 300 samples, CPU backend, over
// optimizer.lr (log-uniform), width × depth (model.layers, a choice of 3 widths × 3 depths) and dropout. Per sweep
// seed: the best validation loss that grid, random and bayes (TPE) reach in the same number of trials, how often
// bayes beats random, and ASHA's saving (epochs trained, wall and CPU time) on the same random proposals with the best
// val loss it still reaches. Printed, not asserted. MLPW_BENCH_SWEEP_SEEDS, MLPW_BENCH_TRIALS and
// MLPW_BENCH_SWEEP_EPOCHS shrink it for a quick run (defaults 10, 30, 27). Bayes's first 5 trials are TPE's random
// start-up, the same points random draws at that seed, so the two are paired (with 5 trials or fewer they tie).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { CommandContext } from '../cli/command.ts';

/** A positive whole number from the environment, else the default; a bad value is named rather than ignored. */
function envInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive whole number, got "${text}"`);
  return n;
}

const SEEDS = envInt('MLPW_BENCH_SWEEP_SEEDS', 10);
const TRIALS = envInt('MLPW_BENCH_TRIALS', 30);
// 27 epochs: ASHA's rungs (min 1, eta 3) fall at epochs 1, 3 and 9.
const EPOCHS = envInt('MLPW_BENCH_SWEEP_EPOCHS', 27);

const LR = { low: 0.001, high: 0.1 };
const WIDTHS = [16, 32, 64];
const DEPTHS = [1, 2, 3];
const DROPOUT = { low: 0, high: 0.5 };
const layersText = (width: number, depth: number) => Array.from({ length: depth }, () => width).join('x');

const BASE = [
  '--dataset', 'spiral', '--samples', '300', '--epochs', String(EPOCHS), '--backend', 'cpu', '--seed', '1',
]; // prettier-ignore

const SPACE = [
  '--param', `optimizer.lr=loguniform:${LR.low}:${LR.high}`,
  '--param', `model.layers=choice:${DEPTHS.flatMap((d) => WIDTHS.map((w) => layersText(w, d))).join(',')}`,
  '--param', `model.layers.dropout=uniform:${DROPOUT.low}:${DROPOUT.high}`,
]; // prettier-ignore

/** Midpoints of `n` equal bins of [low, high] (in log space when `log`): a grid that covers the range evenly. */
function binMidpoints(low: number, high: number, n: number, log: boolean): number[] {
  const f = log ? Math.log : (x: number) => x;
  const g = log ? Math.exp : (x: number) => x;
  return Array.from({ length: n }, (_, i) => Number(g(f(low) + ((i + 0.5) * (f(high) - f(low))) / n).toPrecision(3)));
}

/** A grid near TRIALS points over the same keys: lr levels × {narrowest, widest} × {shallowest, deepest} × 2 dropouts. */
function gridFlags(): { flags: string[]; points: number } {
  const lrs = binMidpoints(LR.low, LR.high, Math.max(1, Math.round(TRIALS / 8)), true);
  const layers = [DEPTHS[0]!, DEPTHS.at(-1)!].flatMap((d) => [WIDTHS[0]!, WIDTHS.at(-1)!].map((w) => layersText(w, d)));
  const drops = binMidpoints(DROPOUT.low, DROPOUT.high, 2, false);
  return {
    flags: [
      '--grid', `optimizer.lr=${lrs.join(',')}`,
      '--grid', `model.layers=${layers.join(',')}`,
      '--grid', `model.layers.dropout=${drops.join(',')}`,
    ], // prettier-ignore
    points: lrs.length * layers.length * drops.length,
  };
}

interface SweepResult {
  /** the lowest best val_loss over the sweep's trials */
  best: number;
  epochs: number;
  stoppedEarly: number;
  failed: number;
  wallMs: number;
  cpuMs: number;
}

interface SweepJson {
  stoppedEarly: number;
  runs: { status: string; epochsDone: number; bestValLoss: number | null }[];
}

/** One in-process `mlpw sweep … --json` over the bench's store, parsed; wall and process CPU (the workers are threads). */
async function sweep(db: string, flags: string[]): Promise<SweepResult> {
  let out = '';
  let err = '';
  const ctx: CommandContext = {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
    stdin: process.stdin,
    env: {},
  };
  const argv = ['sweep', ...BASE, ...flags, '--parallel', '1', '--json', '--db', db];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await main(argv, ctx);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Exit 1 is a sweep with a failed or diverged trial (counted below); anything else is the bench's fault.
  if (code !== 0 && code !== 1) throw new Error(`mlpw ${argv.join(' ')} exited ${code}: ${err.trim()}`);
  const json = JSON.parse(out) as SweepJson;
  const losses = json.runs.map((r) => r.bestValLoss).filter((l): l is number => l != null && Number.isFinite(l));
  return {
    best: losses.length ? Math.min(...losses) : NaN,
    epochs: json.runs.reduce((s, r) => s + r.epochsDone, 0),
    stoppedEarly: json.stoppedEarly,
    failed: json.runs.filter((r) => r.status === 'failed' || r.status === 'diverged').length,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/** Linear-interpolated quantile of an unsorted list. */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const f4 = (x: number) => x.toFixed(4);

function row(name: string, rs: SweepResult[]): string {
  const best = rs.map((r) => r.best);
  const cols = [
    name.padEnd(22),
    f4(quantile(best, 0.5)).padStart(8),
    f4(quantile(best, 0.25)).padStart(8),
    f4(quantile(best, 0.75)).padStart(8),
    f4(Math.min(...best)).padStart(8),
    f4(Math.max(...best)).padStart(8),
    String(sum(rs.map((r) => r.epochs))).padStart(8),
    (sum(rs.map((r) => r.wallMs)) / 1000).toFixed(1).padStart(8),
    (sum(rs.map((r) => r.cpuMs)) / 1000).toFixed(1).padStart(8),
    String(sum(rs.map((r) => r.failed))).padStart(6),
  ];
  return '  ' + cols.join(' ');
}

const pct = (saved: number, of: number) => `${((100 * saved) / of).toFixed(0)} %`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlpw-bench-sweep-'));
  const db = join(dir, 'sweeps.db');
  try {
    const grid = gridFlags();
    console.log(
      `spiral (300 samples), ${EPOCHS} epochs, cpu backend, --parallel 1; ${SEEDS} sweep seeds × ${TRIALS} trials ` +
        `over optimizer.lr~loguniform:${LR.low}:${LR.high}, model.layers~width {${WIDTHS.join(',')}} × depth ` +
        `{${DEPTHS.join(',')}}, model.layers.dropout~uniform:${DROPOUT.low}:${DROPOUT.high}; grid: ${grid.points} points ` +
        `(the same for every seed); asha: min=1, eta=3 on the random proposals`,
    );
    const gridResult = await sweep(db, grid.flags);
    const random: SweepResult[] = [];
    const bayes: SweepResult[] = [];
    const asha: SweepResult[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const search = (method: string) => ['--method', method, '--trials', String(TRIALS), '--sweep-seed', String(seed)];
      random.push(await sweep(db, [...search('random'), ...SPACE]));
      bayes.push(await sweep(db, [...search('bayes'), ...SPACE]));
      asha.push(await sweep(db, [...search('random'), ...SPACE, '--early-stop', 'asha:min=1,eta=3']));
      console.log(
        `  seed ${String(seed).padStart(2)}: best val_loss random ${f4(random.at(-1)!.best)}  bayes ${f4(bayes.at(-1)!.best)}` +
          `  random+asha ${f4(asha.at(-1)!.best)} (${asha.at(-1)!.stoppedEarly} of ${TRIALS} stopped early); wall s random / bayes / asha ` +
          [random, bayes, asha].map((rs) => (rs.at(-1)!.wallMs / 1000).toFixed(1)).join(' / '),
      );
    }
    console.log(
      `  ${'best val_loss'.padEnd(22)} ${'median'.padStart(8)} ${'q1'.padStart(8)} ${'q3'.padStart(8)} ${'min'.padStart(8)} ` +
        `${'max'.padStart(8)} ${'epochs'.padStart(8)} ${'wall s'.padStart(8)} ${'cpu s'.padStart(8)} ${'failed'.padStart(6)}`,
    );
    console.log(row(`grid (${grid.points} points, once)`, [gridResult]));
    console.log(row('random', random));
    console.log(row('bayes (TPE)', bayes));
    console.log(row('random + asha', asha));
    const wins = bayes.filter((b, i) => b.best < random[i]!.best).length;
    const ties = bayes.filter((b, i) => b.best === random[i]!.best).length;
    const diffs = bayes.map((b, i) => b.best - random[i]!.best);
    console.log(
      `  bayes beats random on ${wins} of ${SEEDS} seeds${ties ? ` (${ties} tied)` : ''}; median of (bayes − random) ` +
        `${f4(quantile(diffs, 0.5))}; bayes's median ${
          quantile(
            bayes.map((r) => r.best),
            0.5,
          ) <
          quantile(
            random.map((r) => r.best),
            0.5,
          )
            ? 'below'
            : 'not below'
        } random's`,
    );
    const [epochsFull, epochsAsha] = [sum(random.map((r) => r.epochs)), sum(asha.map((r) => r.epochs))];
    const [wallFull, wallAsha] = [sum(random.map((r) => r.wallMs)), sum(asha.map((r) => r.wallMs))];
    const [cpuFull, cpuAsha] = [sum(random.map((r) => r.cpuMs)), sum(asha.map((r) => r.cpuMs))];
    const same = asha.filter((a, i) => a.best <= random[i]!.best * 1.01).length;
    console.log(
      `  asha on the same random proposals: epochs ${epochsAsha} vs ${epochsFull} (${pct(epochsFull - epochsAsha, epochsFull)} saved), ` +
        `wall ${(wallAsha / 1000).toFixed(1)} s vs ${(wallFull / 1000).toFixed(1)} s (${pct(wallFull - wallAsha, wallFull)}), ` +
        `cpu ${(cpuAsha / 1000).toFixed(1)} s vs ${(cpuFull / 1000).toFixed(1)} s (${pct(cpuFull - cpuAsha, cpuFull)}); ` +
        `best val_loss within 1 % of the full sweep's on ${same} of ${SEEDS} seeds`,
    );
    // Two sweeps, same trials, different epoch counts: their difference splits wall time into a per-epoch and a
    // per-trial part (worker start, dataset, store writes); a tiny task's trials are mostly the latter.
    const epochMs = (wallFull - wallAsha) / (epochsFull - epochsAsha);
    const trialMs = (wallFull - epochMs * epochsFull) / (SEEDS * TRIALS);
    if (epochsFull > epochsAsha && Number.isFinite(epochMs))
      console.log(
        `  wall split from the two: ${epochMs.toFixed(0)} ms per epoch, ${trialMs.toFixed(0)} ms per trial besides ` +
          `(on this task a trial's fixed cost bounds what stopping epochs early can save in time)`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
