// `npm run lint`: which top-level folder may import which, and no cycles between folders. dependency-cruiser reads
// every .ts, .mjs and .vue file (type-only imports included) and checks the layer rules built from LAYERS; the folder
// cycles are found here, on the graph it returns collapsed to top-level folders (it finds module cycles only).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';

const ANYTHING = '*';

// Each folder, and the folders it may import besides itself. README "Architecture" draws this; keep them in step.
export const LAYERS: Record<string, readonly string[] | typeof ANYTHING> = {
  engine: [],
  db: ['engine'],
  datasets: ['engine'],
  // The one export sequence of a stored run reads its checkpoint through db/'s RunStore.
  export: ['engine', 'db'],
  insight: ['engine', 'db', 'datasets', 'export'],
  api: ['engine', 'db', 'datasets', 'export', 'insight'],
  // Sweeps trained by agents over Redis (BullMQ): Node only, shared by the CLI and the app's two server processes.
  queue: ['engine', 'db', 'datasets'],
  server: ['engine', 'db', 'datasets', 'export', 'insight', 'api', 'queue'],
  // electron serves the built renderer with server/'s static files and headers; cli starts server/ for `mlpw serve`.
  electron: ['engine', 'db', 'datasets', 'export', 'insight', 'api', 'server', 'queue'],
  cli: ['engine', 'db', 'datasets', 'export', 'insight', 'api', 'server', 'queue'],
  renderer: ['engine', 'db', 'datasets', 'export', 'insight', 'api'],
  // Tools: nothing above may import them; they may import anything, but not in a cycle.
  bench: ANYTHING,
  bin: ANYTHING,
  scripts: ANYTHING,
  test: ANYTHING,
};

// Top-level folders that hold no source of ours (build output, dependencies, docs).
const NOT_SOURCE = new Set(['node_modules', 'dist', 'out', 'build', 'coverage', 'docs', 'test-artifacts', 'scratch']);
const SOURCE_FILE = /\.(ts|mts|cts|mjs|cjs|js|vue)$/;

export interface DependencyCheck {
  problems: string[];
  /** Top-level folder → the folders it imports (itself excluded), for the README picture. */
  folderGraph: Map<string, Set<string>>;
}

function layerRules(): IForbiddenRuleType[] {
  const ours = `^(${Object.keys(LAYERS).join('|')})/`;
  return Object.entries(LAYERS)
    .filter((entry): entry is [string, readonly string[]] => entry[1] !== ANYTHING)
    .map(([folder, allowed]) => ({
      name: `layer-${folder}`,
      severity: 'error',
      comment: `${folder}/ may import only ${[folder, ...allowed].map((f) => `${f}/`).join(', ')}`,
      from: { path: `^${folder}/` },
      to: { path: ours, pathNot: `^(${[folder, ...allowed].join('|')})/` },
    }));
}

// An import we cannot resolve would drop an edge silently (.mjs files are not type-checked), so it is an error too.
const UNRESOLVED_RULE: IForbiddenRuleType = {
  name: 'no-unresolved-relative',
  severity: 'error',
  comment: 'a relative import that resolves to no file',
  from: {},
  to: { couldNotResolve: true, path: '^\\.' },
};

function topFolder(path: string): string | undefined {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(0, slash) : undefined;
}

function hasSource(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && SOURCE_FILE.test(entry.name)) return true;
    if (entry.isDirectory() && entry.name !== 'node_modules' && hasSource(join(dir, entry.name))) return true;
  }
  return false;
}

/** Strongly connected components of more than one folder (Tarjan), each sorted, in name order. */
function folderCycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = member === node ? undefined : stack.pop()) {
      component.push(member);
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Checks the tree under `root` (the repository, or a fixture laid out like it). */
export async function checkDependencies(root: string): Promise<DependencyCheck> {
  const problems: string[] = [];
  const present = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_SOURCE.has(e.name))
    .map((e) => e.name)
    .sort();
  for (const folder of present) {
    if (!(folder in LAYERS) && hasSource(join(root, folder))) {
      problems.push(`error layer-matrix: ${folder}/ holds source but is not in LAYERS (scripts/check-deps.ts)`);
    }
  }
  const folders = present.filter((f) => f in LAYERS);
  const folderGraph = new Map<string, Set<string>>(folders.map((f) => [f, new Set()]));
  if (folders.length === 0) return { problems, folderGraph };

  const { output } = await cruise(folders, {
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: [...layerRules(), UNRESOLVED_RULE] },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      extensions: ['.ts', '.mts', '.mjs', '.js', '.cjs', '.vue', '.json', '.d.ts'],
    },
    outputType: 'json',
  });
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as ICruiseResult;

  for (const v of result.summary.violations) {
    const comment = result.summary.ruleSetUsed?.forbidden?.find((r) => r.name === v.rule.name)?.comment;
    problems.push(`error ${v.rule.name}: ${v.from} → ${v.to}${comment ? ` (${comment})` : ''}`);
  }

  // One example import per folder edge, to name in a cycle report.
  const example = new Map<string, string>();
  for (const module of result.modules) {
    const from = topFolder(module.source);
    if (!from || !folderGraph.has(from)) continue;
    for (const dep of module.dependencies) {
      const to = topFolder(dep.resolved);
      if (!to || to === from || !folderGraph.has(to)) continue;
      folderGraph.get(from)!.add(to);
      if (!example.has(`${from}→${to}`)) example.set(`${from}→${to}`, `${module.source} → ${dep.resolved}`);
    }
  }
  for (const cycle of folderCycles(folderGraph)) {
    const edges = [...example].filter(
      ([edge]) => cycle.includes(edge.split('→')[0]!) && cycle.includes(edge.split('→')[1]!),
    );
    const names = cycle.map((f) => `${f}/`).join(', ');
    problems.push(`error no-folder-cycle: ${names} import each other: ${edges.map(([, e]) => e).join('; ')}`);
  }
  return { problems, folderGraph };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // --root DIR checks another tree laid out like this one (test/lint runs it on fixtures).
  const at = process.argv.indexOf('--root');
  const root = at > 0 ? resolve(process.argv[at + 1] ?? '') : fileURLToPath(new URL('..', import.meta.url));
  if (!existsSync(root)) throw new Error(`check-deps: --root ${root} does not exist`);
  const { problems, folderGraph } = await checkDependencies(root);
  if (process.argv.includes('--graph')) {
    for (const [from, to] of folderGraph)
      console.log(
        `${from}/ → ${
          [...to]
            .sort()
            .map((f) => `${f}/`)
            .join(', ') || '-'
        }`,
      );
  }
  for (const problem of problems) console.error(problem);
  if (problems.length) console.error(`check-deps: ${problems.length} problem(s)`);
  else console.log(`check-deps: ${folderGraph.size} folders, layers and no folder cycles ok`);
  process.exitCode = problems.length ? 1 : 0;
}
