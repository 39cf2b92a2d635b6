// The component of each view in the router's NAV.
import type { Component } from 'vue';
import DesignerView from './designer/DesignerView.vue';
import RunsView from './runs/RunsView.vue';
import TrainingView from './training/TrainingView.vue';
import type { ViewName } from './router.ts';

export const VIEWS: Record<ViewName, Component> = {
  designer: DesignerView,
  training: TrainingView,
  runs: RunsView,
};
