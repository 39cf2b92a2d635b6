// `mlpw study depth-width|activations|batch-size`: the lecture's three studies as one command each. A study is a
// grid sweep (so it is stored, resumable and comparable like any other) whose grid the study computes, then the
// sweep's runs grouped by the studied key with the mean ± std over seeds of the best validation metrics.
//   depth-width: for each depth, the width that meets a parameter budget (±5 %), shown before anything trains;
//   activations: one run per activation, the same seed and the same initialisation scale;
//   batch-size:  one run per batch size, read in samples seen (the app's Compare has that x-axis).
import { parseFlags, intFlag } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.ts';
import { UsageError } from '../errors.ts';
import { fmtInt, table } from '../format.ts';
import { BudgetError, equalBudgetWidths, type BudgetVariant } from '../../engine/experiment/equal-budget.ts';
import { ACTIVATIONS, type ExperimentConfig } from '../../engine/config.ts';
import { loadBuiltinDataset } from '../../engine/data/builtin.ts';
import type { RunStore } from '../../db/index.ts';
import { DB_FLAG, withReadOnlyStore } from '../store-path.ts';
import { EXPERIMENT_FLAG } from './experiments.ts';
import { sweep } from './sweep.ts';
import { cellText, summaryText } from './runs.ts';
import { parseColumns, type CellValue, type RunWithEpochs } from '../../insight/run-columns.ts';
import { groupRuns, isSummary, type Summary } from '../../insight/group-runs.ts';

const KINDS = ['depth-width', 'activations', 'batch-size'] as const;
type Kind = (typeof KINDS)[number];

/** The study's own flags; everything else goes to the sweep as given. */
const STUDY_FLAGS = {
  budget: { type: 'string' },
  depths: { type: 'string' },
  tolerance: { type: 'string' },
  seeds: { type: 'string' },
  activations: { type: 'string' },
  'batch-sizes': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

/** `1-5` or `1,2,4`: positive integers, each once. */
export function intList(flag: string, text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text.trim());
  const values = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i)
    : text.split(',').map((t) => (/^\s*\d+\s*$/.test(t) ? Number(t) : NaN));
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < 1);
  if (values.length === 0 || bad >= 0 || new Set(values).size !== values.length)
    throw new UsageError(
      `--${flag}: expected positive integers as 1-5 or 1,2,4, each once, got "${text.length > 40 ? text.slice(0, 40) + '…' : text}"`,
    );
  if (values.length > 64) throw new UsageError(`--${flag}: at most 64 values, got ${values.length}`);
  return values;
}

/** Input and output widths of the network the base config builds on its dataset (after a built-in's transforms). */
function networkWidths(base: ExperimentConfig, store: RunStore): { inputs: number; outputs: number } {
  const snapshot = store.datasets.snapshotFor(base.dataset.name);
  const data = snapshot ? snapshot.dataset : loadBuiltinDataset(base.dataset); // transforms are the built-ins' only
  return { inputs: data.features, outputs: data.outputs };
}

function budgetTable(variants: readonly BudgetVariant[], budget: number): string {
  const rows = variants.map((v) => [
    String(v.depth),
    String(v.width),
    v.depth === 1 ? String(v.width) : Array(v.depth).fill(v.width).join('x'),
    fmtInt(v.params),
    `${v.deviation >= 0 ? '+' : ''}${(v.deviation * 100).toFixed(1)} %`,
  ]);
  const header = ['depth', 'width', 'layers', 'params', `vs ${fmtInt(budget)}`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n') + '\n';
}

/** Runs a command, returning what it printed (to read the sweep's id), and passing it through unless told not to. */
async function capture(
  command: Command,
  argv: string[],
  ctx: CommandContext,
  show: boolean,
): Promise<{ code: number; out: string }> {
  let out = '';
  const stdout = { write: (s: string) => ((out += s), show ? ctx.stdout.write(s) : true) };
  const code = await command.run(argv, { ...ctx, stdout: stdout as CommandContext['stdout'] });
  return { code, out };
}

const SHOWN = 'params,best.val_loss,best.val_acc,duration';

interface StudyGroup {
  value: CellValue;
  n: number;
  runs: string[];
  /** per column of SHOWN: mean ± std over the group's runs (seeds) */
  columns: Record<string, Summary | CellValue | null>;
}

/** The sweep's runs grouped by the studied key (insight/'s groups, as `mlpw runs --group-by`), in the study's order. */
function studyGroups(store: RunStore, sweepId: string, key: string, order: readonly string[]) {
  const all: RunWithEpochs[] = store.listRuns({ sweepId }).map((run) => ({ run, epochs: store.getEpochs(run.id) }));
  const shown = parseColumns(SHOWN, all);
  const groups = groupRuns(all, parseColumns(key, all), shown);
  const rank = (v: CellValue) => (order.includes(String(v)) ? order.indexOf(String(v)) : order.length);
  groups.sort((a, b) => rank(a.keys[0] ?? null) - rank(b.keys[0] ?? null));
  return {
    shown,
    groups: groups.map((g): StudyGroup => ({
      value: g.keys[0] ?? null,
      n: g.runs.length,
      runs: g.runs.map((r) => r.run.id),
      columns: Object.fromEntries(shown.map((c, i) => [c.key, g.cells[i] ?? null])),
    })),
  };
}

function groupsTable(key: string, { shown, groups }: ReturnType<typeof studyGroups>): string {
  const header = [key, 'n', ...shown.map((c) => (c.numeric ? `${c.key} (mean ± std)` : c.key))];
  const body = groups.map((g) => [
    String(g.value),
    String(g.n),
    ...shown.map((c) => {
      const cell = g.columns[c.key] ?? null;
      return c.numeric ? summaryText(c, isSummary(cell) ? cell : null, g.n) : cellText(c, cell as CellValue);
    }),
  ]);
  return table(header, body);
}

export const study: Command = {
  name: 'study',
  summary: 'the lecture studies: depth vs width at a parameter budget, activations, batch size',
  usage: `mlpw study depth-width --budget N [--depths 1-5] [--tolerance 0.05] [--seeds K] [config and sweep flags] [--dry-run]
mlpw study activations [--activations relu,tanh,sigmoid] [--seeds K] [config and sweep flags]
mlpw study batch-size [--batch-sizes 8,32,128] [--seeds K] [config and sweep flags]
  Each is one grid sweep over the base config (flags as for mlpw sweep: --dataset, --epochs, --parallel,
  --experiment, --db …), training seeds 1…K per variant (default 3), then the runs grouped by the studied key
  with the mean ± std of best.val_loss and best.val_acc. depth-width prints each depth's width and parameter
  count first (--dry-run stops there). activations keeps one initialisation for all (xavier, unless the config
  file sets model.init). Compare the runs in the app: Sweeps → Compare this sweep (x-axis samples seen for
  batch size).`,
  async run(argv, ctx) {
    const [kindText, ...rest] = argv;
    if (!kindText || !KINDS.includes(kindText as Kind))
      throw new UsageError(`study needs one of ${KINDS.join(', ')} first, got "${kindText ?? ''}"`);
    const kind = kindText as Kind;
    // Split the study's flags from the sweep's: parse both sets strictly, hand the sweep only its own.
    const known = { ...STUDY_FLAGS, ...CONFIG_FLAGS, ...DB_FLAG, ...EXPERIMENT_FLAG } as const;
    const { values } = parseFlags(
      rest,
      {
        ...known,
        parallel: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        grid: { type: 'string', multiple: true },
      },
      false,
    );
    if (values.grid?.length)
      throw new UsageError(`--grid: study ${kind} computes its own grid; use mlpw sweep for others`);
    const sweepArgv: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const name = rest[i]!.replace(/^--/, '').split('=')[0]!;
      if (name in STUDY_FLAGS) {
        if (STUDY_FLAGS[name as keyof typeof STUDY_FLAGS].type === 'string' && !rest[i]!.includes('=')) i++;
        continue;
      }
      sweepArgv.push(rest[i]!);
    }
    const seeds = intFlag('seeds', values.seeds) ?? 3;
    if (seeds < 1 || seeds > 100) throw new UsageError(`--seeds: expected 1 to 100, got ${seeds}`);
    const base = configFromFlags(values);
    const grid: string[] = [];
    let key: string;
    let variants: BudgetVariant[] | undefined;
    let order: string[];
    if (kind === 'depth-width') {
      if (values.budget === undefined) throw new UsageError('study depth-width needs --budget N (parameters)');
      const budget = intFlag('budget', values.budget)!;
      const depths = intList('depths', values.depths ?? '1-5');
      const tolerance = values.tolerance === undefined ? 0.05 : Number(values.tolerance);
      if (!(tolerance > 0 && tolerance < 1))
        throw new UsageError(`--tolerance: expected a fraction between 0 and 1, got "${values.tolerance}"`);
      const widths = await withReadOnlyStore(values.db, ctx.env, (store) => networkWidths(base, store));
      try {
        variants = equalBudgetWidths(widths.inputs, widths.outputs, budget, depths, tolerance);
      } catch (e) {
        if (e instanceof BudgetError) throw new UsageError(`--budget ${budget}: ${e.message}`);
        throw e;
      }
      if (!values.json)
        ctx.stdout.write(
          `depth vs width at ${fmtInt(budget)} parameters on ${base.dataset.name} (${widths.inputs} inputs, ${widths.outputs} outputs):\n` +
            budgetTable(variants, budget),
        );
      if (values['dry-run']) {
        if (values.json)
          ctx.stdout.write(
            JSON.stringify({ study: kind, inputs: widths.inputs, outputs: widths.outputs, variants }) + '\n',
          );
        return 0;
      }
      grid.push(`model.layers=${variants.map((v) => Array(v.depth).fill(v.width).join('x')).join(',')}`);
      key = 'model.layers';
      order = variants.map((v) => Array(v.depth).fill(v.width).join('x'));
    } else if (kind === 'activations') {
      const list = (values.activations ?? 'relu,tanh,sigmoid').split(',').map((a) => a.trim());
      const unknown = list.find((a) => !(ACTIVATIONS as readonly string[]).includes(a));
      if (unknown !== undefined)
        throw new UsageError(
          `--activations: unknown activation "${unknown.slice(0, 40)}" (one of ${ACTIVATIONS.join(', ')})`,
        );
      grid.push(`model.layers.activation=${list.join(',')}`);
      // The same initialisation scale for every activation: 'auto' would pick He for ReLU and Xavier for the others.
      if (base.model.init === 'auto') grid.push('model.init=xavier');
      key = 'model.layers.activation';
      order = list;
    } else {
      const sizes = intList('batch-sizes', values['batch-sizes'] ?? '8,32,128');
      grid.push(`batchSize=${sizes.join(',')}`);
      key = 'batchSize';
      order = sizes.map(String);
    }
    if (values['dry-run']) throw new UsageError(`--dry-run: only study depth-width has a plan to print`);
    if (seeds > 1) grid.push(`seed=${Array.from({ length: seeds }, (_, i) => i + 1).join(',')}`);
    const json = values.json === true;
    const swept = await capture(sweep, [...sweepArgv, ...grid.flatMap((g) => ['--grid', g])], ctx, !json);
    const sweepJson = json ? (JSON.parse(swept.out.trim().split('\n').pop() || '{}') as { sweepId?: string }) : null;
    const id = json ? sweepJson!.sweepId : /^sweep (\w+):/m.exec(swept.out)?.[1];
    if (!id) return swept.code;
    if (!json)
      ctx.stdout.write(
        `\n${kind}: best validation metrics per ${key}, mean ± std over ${seeds} seed${seeds === 1 ? '' : 's'}\n`,
      );
    const groups = await withReadOnlyStore(values.db, ctx.env, (store) => studyGroups(store, id, key, order));
    if (json)
      ctx.stdout.write(
        JSON.stringify({ study: kind, ...sweepJson, ...(variants ? { variants } : {}), groups: groups.groups }) + '\n',
      );
    else {
      ctx.stdout.write(groupsTable(key, groups) + '\n');
      if (kind === 'batch-size')
        ctx.stdout.write(
          `curves in samples seen (not epochs, which hide how many updates each batch size made): the app's Compare, x-axis "samples", #/compare/sweep/${id}\n`,
        );
    }
    return swept.code;
  },
};
