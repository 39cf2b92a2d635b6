// What the .onnx file says about itself: producer, opset/IR, names per layer, no dropout, the metadata the issue
// lists, and that the committed protobuf descriptor is what the generator makes from onnx.proto.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../export/onnx/proto.ts';
import { exportVerified, packageVersion, readOnnxModel, validationRows } from '../../export/onnx/node/index.ts';
import { trainTiny } from './train-tiny.ts';

describe('the exported file', () => {
  it('carries producer, opset, layer names and run metadata, and no dropout', async () => {
    const run = await trainTiny(
      {
        dataset: { name: 'iris' },
        model: {
          layers: [
            { units: 6, activation: 'gelu', dropout: 0.3 },
            { units: 5, activation: 'sigmoid', dropout: 0.2 },
          ],
        },
        earlyStopping: { enabled: false, metric: 'val_acc' },
      },
      'run-42',
    );
    const snapshot = run.result.best!;
    const { bytes } = await exportVerified(
      snapshot,
      { ...run.meta, checkpoint: 'best' },
      validationRows(run.config, run.dataset),
    );
    const m = decodeModel(bytes, 'test');
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

    expect(m).toMatchObject({
      irVersion: 7,
      producerName: 'mlp-workbench',
      producerVersion: version,
      opsetImport: [{ domain: '', version: 13 }],
    });
    expect(packageVersion()).toBe(version);
    expect(m.docString).toMatch(/MLP 4-6-5-3 .*run-42 on iris, best checkpoint/);
    expect(m.graph.node.some((n) => n.opType === 'Dropout')).toBe(false);
    expect(m.graph.node.map((n) => n.name)).toEqual(
      expect.arrayContaining([
        'standardize.sub',
        'standardize.div',
        'layer1.gemm',
        'layer1.gelu.tanh',
        'layer2.gemm',
        'layer2.sigmoid',
        'layer3.gemm',
        'head.softmax',
      ]),
    );
    expect(m.graph.initializer.map((t) => t.name)).toEqual(
      expect.arrayContaining(['layer1.weight', 'layer1.bias', 'layer3.weight', 'standardize.mean']),
    );
    expect(m.graph.output.map((o) => o.name)).toEqual(['probabilities']);

    const props = Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value]));
    expect(props.run_id).toBe('run-42');
    expect(props.dataset).toBe('iris');
    expect(props.checkpoint).toBe('best');
    expect(JSON.parse(props.config!)).toEqual(run.config);
    expect(JSON.parse(props.class_labels!)).toEqual(run.dataset.classLabels);
    expect(JSON.parse(props.metrics!)).toEqual({ best: run.result.summary.best, final: run.result.summary.final });

    const info = readOnnxModel(bytes, 'iris.onnx');
    expect(info).toMatchObject({
      runId: 'run-42',
      dataset: 'iris',
      checkpoint: 'best',
      opset: 13,
      irVersion: 7,
      config: run.config,
    });
    expect(info.input).toEqual({ name: 'input', features: 4 });
    expect(info.snapshot.classLabels).toEqual(run.dataset.classLabels);
    expect(info.snapshot.standardize!.mean).toEqual(snapshot.standardize!.mean);
  });
});

describe('generated protobuf descriptor', () => {
  it('is up to date with export/onnx/onnx.proto', () => {
    // Exits non-zero (and execFileSync throws) when `npm run gen:onnx` would change the committed file.
    expect(() => execFileSync(process.execPath, ['scripts/gen-onnx.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
