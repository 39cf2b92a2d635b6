// The Designer's form keeps a generator's fields whichever dataset is chosen, but a design on an imported dataset
// leaves it as the import's name, hash and rows only: the generator's leftover settings never reach the run.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/config.ts';
import { importedDatasets } from '../../renderer/datasets/imported.ts';
import { draft, draftSnapshot, loadDraft } from '../../renderer/designer/draft.ts';

const THREE = {
  name: 'three',
  hash: 'a'.repeat(64),
  task: 'classification' as const,
  rows: 300,
  features: 2,
  outputs: 3,
  featureNames: ['a', 'b'],
  targetName: 'label',
  classLabels: ['c0', 'c1', 'c2'],
  createdAt: 0,
};

afterEach(() => {
  importedDatasets.value = [];
  loadDraft({});
});

describe('a design on an imported dataset', () => {
  it('is sent as { source: imported, name, hash, rows }, whatever samples and noise the form held', () => {
    importedDatasets.value = [THREE];
    loadDraft({ dataset: { name: 'three', samples: 200, noise: 0.3 } });
    expect(draftSnapshot().dataset).toEqual({ source: 'imported', name: 'three', hash: THREE.hash, rows: 300 });
    loadDraft({ dataset: { name: 'spiral', samples: 200, noise: 0.3 } });
    expect(draftSnapshot().dataset).toEqual(
      parseConfig({ dataset: { name: 'spiral', samples: 200, noise: 0.3 } }).dataset,
    );
  });

  it('loads a stored imported run into the form as the dataset’s name beside the generator’s defaults', () => {
    loadDraft(parseConfig({ dataset: { source: 'imported', name: 'three', hash: THREE.hash, rows: 300 } }));
    expect(draft.dataset).toEqual(parseConfig({ dataset: { name: 'three' } }).dataset);
  });
});
