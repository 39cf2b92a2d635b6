// The two ECharts themes the charts draw with: axis, grid-line, label and legend colours for the light and the dark
// page (the options set sizes only; the series keep their own colours, chosen to read on both).
import { registerTheme } from 'echarts/core';

function theme(c: { text: string; muted: string; axis: string; split: string; tooltip: string; tooltipText: string }) {
  const axis = {
    axisLine: { lineStyle: { color: c.axis } },
    axisTick: { lineStyle: { color: c.axis } },
    axisLabel: { color: c.muted },
    splitLine: { lineStyle: { color: c.split } },
    nameTextStyle: { color: c.muted },
  };
  return {
    backgroundColor: 'transparent',
    textStyle: { color: c.text },
    legend: { textStyle: { color: c.text }, inactiveColor: c.axis },
    tooltip: { backgroundColor: c.tooltip, borderColor: c.axis, textStyle: { color: c.tooltipText } },
    valueAxis: axis,
    categoryAxis: axis,
    logAxis: axis,
    timeAxis: axis,
    parallelAxis: axis,
    dataZoom: { textStyle: { color: c.muted }, borderColor: c.axis },
  };
}

registerTheme(
  'mlpw-light',
  theme({
    text: '#2b3137',
    muted: '#4a535c',
    axis: '#9aa3ad',
    split: '#eceff2',
    tooltip: '#ffffff',
    tooltipText: '#2b3137',
  }),
);
registerTheme(
  'mlpw-dark',
  theme({
    text: '#e3e7eb',
    muted: '#aab3bc',
    axis: '#5c6670',
    split: '#2c3238',
    tooltip: '#262b31',
    tooltipText: '#e3e7eb',
  }),
);
