// One sweep axis, as the grid parses it and the store keeps it. A type only, in a file of its own, so that db/types.ts
// (compiled with the API's contract, whose lib has no structuredClone) does not pull in grid.ts's code.
export interface GridAxis {
  key: string;
  /** parsed values: numbers, booleans, strings; unit lists (number[]) for model.layers */
  values: unknown[];
}
