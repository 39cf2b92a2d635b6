// The columns of a CSV file: their names (from the header, else column1…), which one is the target, and which are
// features (all the others, in file order).
import { excerpt, excerptList } from '../../engine/excerpt.ts';
import { ImportError } from '../errors.ts';

export interface Columns {
  /** fields per row */
  width: number;
  names: string[];
  target: number;
  targetName: string;
  /** indexes of the feature columns */
  features: number[];
  featureNames: string[];
  /** every column a row needs (features and target) */
  all: number[];
}

export function resolveColumns(
  file: string,
  headerFields: string[] | undefined,
  width: number,
  target: string,
): Columns {
  const names = Array.from({ length: width }, (_, i) => headerFields?.[i]?.trim() || `column${i + 1}`);
  const wanted = target.trim();
  let t = names.indexOf(wanted);
  if (t < 0) t = names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());
  // A number names a column by position (1-based) unless a column is called that.
  if (t < 0 && /^\d+$/.test(wanted) && Number(wanted) >= 1 && Number(wanted) <= width) t = Number(wanted) - 1;
  if (t < 0)
    throw new ImportError(
      'unknown_column',
      `--target: no column ${excerpt(wanted)} in ${file} (columns: ${excerptList(names)})`,
      { file, column: wanted },
    );
  if (width < 2)
    throw new ImportError(
      'bad_option',
      `${file} has one column only; it needs at least one feature besides the target`,
      { file },
    );
  const features = names.map((_, i) => i).filter((i) => i !== t);
  return {
    width,
    names,
    target: t,
    targetName: names[t]!,
    features,
    featureNames: features.map((i) => names[i]!),
    all: [...features, t],
  };
}
