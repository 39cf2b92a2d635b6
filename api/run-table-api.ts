// runTable: the Runs view's chosen columns, filter and groups, computed by insight/ (run-columns, run-filter,
// group-runs) on the store host, where the epochs are, so the window receives one page of cells, never 1,000 runs' epochs.
import { z } from 'zod';
import { RunStatusSchema } from '../engine/schemas.ts';
import type { RunRecord } from '../db/types.ts';
import { RUN_SORT_FIELDS } from '../db/types.ts';

export const RUN_TABLE_INPUTS = {
  runTable: z.strictObject({
    status: z.array(RunStatusSchema).optional(),
    dataset: z.string().max(200).optional(),
    experiment: z.string().trim().min(1).max(100).optional(),
    /** as listRuns's search */
    search: z.string().max(200).optional(),
    sort: z.enum(RUN_SORT_FIELDS).optional(),
    descending: z.boolean().optional(),
    /** a column key to order on (in memory, after the filter) instead of sort; descending applies to it */
    sortColumn: z.string().trim().min(1).max(200).optional(),
    /** column keys as `mlpw runs --columns` takes them (best.val_acc, activation, params, …) */
    columns: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
    /** `mlpw runs --filter` syntax: `val_acc > 0.9 and activation = relu` */
    filter: z.string().max(2000).optional(),
    /** one column key, or several (nested: one group per combination); the answer then holds groups, not rows */
    groupBy: z
      .union([z.string().trim().min(1).max(200), z.array(z.string().trim().min(1).max(200)).min(1).max(5)])
      .optional(),
    limit: z.number().int().min(1).max(1000).default(50),
    offset: z.number().int().min(0).default(0),
  }),
} as const;

// insight/'s CellValue and Summary, restated: this contract compiles without engine/experiment (its lib has no
// structuredClone); store-run-table.ts fails to compile if they drift apart.
export type CellValue = string | number | boolean | null;
export interface Summary {
  mean: number;
  /** sample standard deviation (n − 1); null with one value */
  std: number | null;
  /** runs with a value (the group's n counts every run) */
  count: number;
}

export interface RunTableColumn {
  key: string;
  numeric: boolean;
}

export interface RunTableGroup {
  /** the group's value of the (first) groupBy column */
  key: CellValue;
  /** its value of each groupBy column, in order */
  keys: CellValue[];
  runIds: string[];
  /** the group's runs with their cells in `columns` order, for expanding the group (as runIds, in table order) */
  runs: { id: string; name: string | null; cells: CellValue[] }[];
  /** per column: mean ± std for numeric columns, else the shared value (null when it varies) */
  cells: (Summary | CellValue | null)[];
}

export interface RunTablePage {
  columns: RunTableColumn[];
  /** one page of the runs that pass the filter, with their cells in `columns` order */
  rows: { run: RunRecord; cells: CellValue[] }[];
  /** runs that pass the filter, over all pages */
  total: number;
  /** with groupBy: every group of the runs that pass (rows is then empty) */
  groups: RunTableGroup[] | null;
  /** every flattened config key of the listed runs, for the column picker */
  configKeys: string[];
  /** the filter's error, naming the bad token and its column (then no rows); null when it parsed */
  filterError: string | null;
}

export interface RunTableOutputs {
  runTable: RunTablePage;
}
