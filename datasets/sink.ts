// Where imported rows go: the importers stream features to a RowSink in chunks, so a large file never has to fit
// in memory. db/datasets.ts writes them into a snapshot; MemorySink keeps them (tests, predict, the designer).
import type { Dataset } from '../engine/types.ts';
import type { ImportedData } from './imported.ts';

export interface RowSink {
  /** Called once, before the first rows, when the columns are known. */
  start(columns: { features: number; featureNames: string[] }): void;
  /** `rows` rows of features, row-major (`x.length` may exceed rows × features: only that prefix counts). */
  append(x: Float32Array, rows: number): void;
}

export class MemorySink implements RowSink {
  private chunks: Float32Array[] = [];
  features = 0;
  featureNames: string[] = [];

  start(columns: { features: number; featureNames: string[] }): void {
    this.features = columns.features;
    this.featureNames = columns.featureNames;
  }

  append(x: Float32Array, rows: number): void {
    this.chunks.push(x.slice(0, rows * this.features));
  }

  /** All rows so far, row-major. */
  rows(): Float32Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const x = new Float32Array(total);
    let at = 0;
    for (const c of this.chunks) {
      x.set(c, at);
      at += c.length;
    }
    return x;
  }

  /** The rows and an importer's result as an engine Dataset named `name`. */
  toDataset(name: string, data: ImportedData): Dataset {
    const d: Dataset = {
      name,
      task: data.task,
      n: data.rows,
      features: this.features,
      outputs: data.outputs,
      x: this.rows(),
      featureNames: this.featureNames,
    };
    if (data.labels) d.labels = data.labels;
    if (data.targets) d.targets = data.targets;
    if (data.classLabels) d.classLabels = data.classLabels;
    return d;
  }
}
