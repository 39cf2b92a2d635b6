// A loss surface as one CSV: the line's points, the plane's grid and the projected trajectory, one row each, so a
// spreadsheet or pandas can redraw either plot (`mlpw surface RUN --out surface.csv`).
import type { LossSurface } from './loss-surface-types.ts';

const cell = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));

export function lossSurfaceCsv(s: LossSurface): string {
  const rows = ['section,epoch,a,b,train_loss,val_loss'];
  s.line.alpha.forEach((alpha, i) => rows.push(`line,,${alpha},,${cell(s.line.train[i])},${cell(s.line.val?.[i])}`));
  const n = s.plane.axis.length;
  s.plane.axis.forEach((b, r) =>
    s.plane.axis.forEach((a, c) =>
      rows.push(`plane,,${a},${b},${cell(s.plane.train[r * n + c])},${cell(s.plane.val?.[r * n + c])}`),
    ),
  );
  for (const p of s.plane.trajectory) rows.push(`trajectory:${p.label},${p.epoch},${p.x},${p.y},,`);
  return rows.join('\n') + '\n';
}
