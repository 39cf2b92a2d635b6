// The parts of ECharts the app uses, registered once (tree-shaken build). Axis and text colours come from the
// light or dark ECharts theme (echarts-theme.ts); these set sizes only.
import { CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import './echarts-theme.ts';

use([
  LineChart,
  ScatterChart,
  CustomChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

/** Class colours: distinguishable, print-safe, readable on white. */
export const CLASS_COLORS = ['#2f6db5', '#d9822b', '#3a8f5c', '#b8403a', '#7759a8', '#8c6d31', '#2a9ba3', '#c04f8f'];

export const AXIS = {
  axisLine: { lineStyle: {} },
  axisLabel: { fontSize: 11 },
  splitLine: { lineStyle: {} },
  nameTextStyle: { fontSize: 11 },
};

export const TEXT = { fontFamily: 'inherit', fontSize: 11 };
