// Head outputs → what `mlpw predict` shows: the predicted class per row with its label (classification) or the
// values (regression), and the CSV written by --out. Shared by predictions from a run (engine) and from a file.
import { csvCell } from '../../engine/csv-cell.ts';
import type { ModelSnapshot, Task } from '../../engine/types.ts';

export interface Predictions {
  task: Task;
  /** "probabilities" (classification) or "output" (regression): the ONNX output's name. */
  outputName: 'probabilities' | 'output';
  /** columns of `values`: classes for softmax, 1 (= P(class 1)) for sigmoid, targets for regression. */
  outputUnits: number;
  /** n × outputUnits, row-major. */
  values: Float32Array;
  n: number;
  /** classification: predicted class per row (argmax; sigmoid: P ≥ 0.5, as the engine scores accuracy). */
  predictedClass?: Uint32Array;
  classLabels?: string[];
}

/** Wraps n rows of head outputs (engine or onnxruntime) for `snapshot`'s model. */
export function toPredictions(snapshot: ModelSnapshot, values: Float32Array, n: number): Predictions {
  const k = values.length / Math.max(n, 1);
  const p: Predictions = {
    task: snapshot.task,
    outputName: snapshot.head === 'identity' ? 'output' : 'probabilities',
    outputUnits: n > 0 ? k : snapshot.layers[snapshot.layers.length - 1]!.units,
    values,
    n,
  };
  if (snapshot.task !== 'classification') return p;
  const predicted = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (snapshot.head === 'sigmoid') predicted[i] = values[i]! >= 0.5 ? 1 : 0;
    else {
      let best = 0;
      for (let j = 1; j < k; j++) if (values[i * k + j]! > values[i * k + best]!) best = j;
      predicted[i] = best;
    }
  }
  p.predictedClass = predicted;
  if (snapshot.classLabels) p.classLabels = snapshot.classLabels;
  return p;
}

/** What a CSV of predictions may add: columns passed through from the input, the regression target's name. */
export interface PredictionsCsvOptions {
  /** columns copied from the input rows before the predictions (`mlpw predict --keep`) */
  keep?: { names: string[]; cells: string[][] };
  /** a regression's single output is headed by it (a model trained on an imported table knows it) */
  targetName?: string;
}

/**
 * One CSV line per row, cells as every CSV of the app writes them (engine/csv-cell.ts: a label `=cmd` reads
 * `'=cmd`). Classification: `class,p_<label>…` (softmax: one column per class; sigmoid: p_<class 1>);
 * regression: `output` (one target; the target's name when known) or `output_1…output_k`. Kept columns first.
 */
export function predictionsToCsv(p: Predictions, options: PredictionsCsvOptions = {}): string {
  const k = p.outputUnits;
  const label = (c: number) => p.classLabels?.[c] ?? String(c);
  let header: string[];
  if (p.task === 'classification')
    header = ['class', ...(k === 1 ? [`p_${label(1)}`] : Array.from({ length: k }, (_, j) => `p_${label(j)}`))];
  else header = k === 1 ? [options.targetName ?? 'output'] : Array.from({ length: k }, (_, j) => `output_${j + 1}`);
  const keep = options.keep;
  const lines = [[...(keep?.names ?? []), ...header].map(csvCell).join(',')];
  for (let i = 0; i < p.n; i++) {
    const row = Array.from(p.values.subarray(i * k, i * k + k), csvCell);
    const kept = keep ? keep.cells[i]!.map(csvCell) : [];
    lines.push([...kept, ...(p.predictedClass ? [csvCell(label(p.predictedClass[i]!)), ...row] : row)].join(','));
  }
  return lines.join('\n') + '\n';
}
