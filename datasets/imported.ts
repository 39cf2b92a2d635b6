// What an importer hands back after streaming the features to its sink: the per-row targets and the facts the
// snapshot keeps (task, classes, where the data came from).
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
    kind: 'csv' | 'idx';
    files: string[];
    bytes: number;
    delimiter?: string;
    header?: boolean;
    droppedRows?: number;
  };
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}
