// The extra ECharts parts the compare, sweep and insight views use, registered once next to echarts.ts's.
import { HeatmapChart, LineChart, ParallelChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([
  LineChart,
  HeatmapChart,
  ParallelChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  ParallelComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** A distinct colour per run for any number of runs: hues a golden angle apart, darker on every other turn. */
export function runColor(i: number): string {
  const hue = (i * 137.508 + 210) % 360;
  return `hsl(${hue.toFixed(0)}, 62%, ${i % 2 ? 38 : 48}%)`;
}

/** Low is good (a loss): dark blue → pale → orange red, every stop visible as a line on white. */
export const LOSS_COLORS = ['#08306b', '#2f6db5', '#8fbbdc', '#f0a15a', '#c8553d'];
