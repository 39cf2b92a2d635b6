// The component of each view in the router's NAV.
import type { Component } from 'vue';
import DesignerView from './designer/DesignerView.vue';
import RunsView from './runs/RunsView.vue';
import TrainingView from './training/TrainingView.vue';
import type { ViewName } from './router.ts';
import CompareView from './compare/CompareView.vue';
import RunInsightView from './insight/RunInsightView.vue';
import SweepsView from './sweeps/SweepsView.vue';

export const VIEWS: Record<ViewName, Component> = {
  designer: DesignerView,
  training: TrainingView,
  runs: RunsView,
  compare: CompareView,
  sweeps: SweepsView,
  insight: RunInsightView,
};
