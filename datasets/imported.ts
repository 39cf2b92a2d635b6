// What an importer hands back after streaming the features to its sink: the per-row targets and the facts the
// snapshot keeps (task, classes, where the data came from, and for a table its fitted preprocessing).
import type { Preprocessing } from '../engine/data/preprocessing.ts';

export interface ImportedData {
  task: 'classification' | 'regression';
  rows: number;
  features: number;
  featureNames: string[];
  /** classes, or regression targets */
  outputs: number;
  targetName: string;
  /** classification: class index per row, into classLabels */
  labels?: Uint32Array;
  classLabels?: string[];
  /** regression: rows × outputs */
  targets?: Float32Array;
  /** how the file was read, and what was left out */
  source: {
    kind: 'csv' | 'idx' | 'json' | 'ndjson';
    files: string[];
    bytes: number;
    delimiter?: string;
    header?: boolean;
    droppedRows?: number;
    /** rows left out because their target was missing (counted in droppedRows too) */
    missingTargetRows?: number;
    /** rows with a gap filled by imputation */
    imputedRows?: number;
  };
  /** tables: how raw rows became these features, with the fitted values (stored with the snapshot) */
  preprocessing?: Preprocessing;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  /** the table importer's two passes: profiling the columns, then encoding the rows */
  phase?: 'scan' | 'import';
}
