// `mlpw predict`'s library side: classes with their labels, the same from an exported file (onnxruntime) and from
// the run's snapshot (engine), and the CSV written by --out.
import { describe, expect, it } from 'vitest';
import {
  enginePredict,
  exportVerified,
  predictionsToCsv,
  predictWithOnnx,
  toPredictions,
  validationRows,
} from '../../export/onnx/node/index.ts';
import { trainTiny } from './train-tiny.ts';

describe('predictions', () => {
  it('gives classes with labels and a CSV, from the file and from the engine alike', async () => {
    const run = await trainTiny({
      dataset: { name: 'iris' },
      epochs: 30,
      model: { layers: [{ units: 8, activation: 'relu' }] },
    });
    const { bytes } = await exportVerified(run.result.final, run.meta, validationRows(run.config, run.dataset));
    const rows = { x: run.dataset.x.slice(0, 3 * 4), n: 3 };
    const fromFile = await predictWithOnnx(bytes, rows.x, rows.n);
    const fromRun = toPredictions(run.result.final, await enginePredict(run.result.final, rows.x, rows.n), rows.n);
    expect(Array.from(fromFile.predictedClass!)).toEqual(Array.from(fromRun.predictedClass!));
    const csv = predictionsToCsv(fromFile).trim().split('\n');
    expect(csv[0]).toBe(['class', ...run.dataset.classLabels!.map((l) => `p_${l}`)].join(','));
    expect(csv).toHaveLength(4);
    expect(csv[1]!.split(',')[0]).toBe(run.dataset.classLabels![fromFile.predictedClass![0]!]);

    const sine = await trainTiny({
      dataset: { name: 'sine', samples: 100 },
      model: { layers: [{ units: 8, activation: 'tanh' }] },
    });
    const values = await enginePredict(sine.result.final, Float32Array.of(0, 1), 2);
    expect(predictionsToCsv(toPredictions(sine.result.final, values, 2))).toBe(`output\n${values[0]}\n${values[1]}\n`);
  });

  it('writes a class label a spreadsheet would run as a formula as text, and the probabilities as numbers', async () => {
    // Class labels come from the user's data: an imported CSV's label column may hold `=cmd`.
    const run = await trainTiny({
      dataset: { name: 'xor', samples: 100 },
      model: { layers: [{ units: 4, activation: 'tanh' }] },
    });
    const snapshot = { ...run.result.final, classLabels: ['=cmd', '@SUM(A1)'] };
    const n = 20;
    const p = toPredictions(snapshot, await enginePredict(snapshot, run.dataset.x.slice(0, n * 2), n), n);
    const [header, ...rows] = predictionsToCsv(p).trim().split('\n');
    expect(header).toBe('class,p_=cmd,p_@SUM(A1)');
    expect(rows).toHaveLength(n);
    rows.forEach((row, i) => {
      const [label, ...probabilities] = row.split(',');
      expect(label).toBe(p.predictedClass![i] === 0 ? "'=cmd" : "'@SUM(A1)");
      expect(probabilities.map(Number)).toEqual(Array.from(p.values.subarray(i * 2, i * 2 + 2)));
    });
  });
});
