/**
 * The chart bench's page: the app's own SeriesChart (decimation per view from typed columns) against plain Chart.js
 * given the same points, with and without its own decimation. Each call times one "new data → drawn" update; the
 * driver (bench/ui/charts.ts) calls them in turns and takes medians.
 */
import { flushSync, mount } from 'svelte';
import { Decimation } from 'chart.js';
import SeriesChart, { type ChartLine } from '../../../src-renderer/components/charts/SeriesChart.svelte';
import { Chart } from '../../../src-renderer/lib/charts/chart';
import './bench.css';

// Registered here only: the app decimates before Chart.js sees the data.
Chart.register(Decimation);

/** A loss-like curve per run (decaying, noisy, one spike), as the typed columns a trace holds. */
function makeLines(runs: number, points: number): ChartLine[] {
  return Array.from({ length: runs }, (_, r) => {
    const steps = new Float64Array(points);
    const values = new Float64Array(points);
    for (let i = 0; i < points; i++) {
      steps[i] = i;
      values[i] = (1 + r) / (1 + i / 50) + 0.01 * Math.abs(Math.sin(i * 0.37 + r));
    }
    values[Math.floor(points * 0.6)] = 100; // a spike, which decimation must keep
    return { label: `run ${r}`, steps, values, color: `hsl(${(r * 37) % 360} 70% 45%)` };
  });
}

const props = $state({
  lines: [] as ChartLine[],
  yLabel: 'loss',
  logX: false,
  logY: true,
  testid: 'bench',
  description: 'bench',
  filename: 'bench.png',
});
mount(SeriesChart, { target: document.getElementById('app')!, props });
flushSync();

const baseline = new Chart(document.getElementById('baseline') as HTMLCanvasElement, {
  type: 'line',
  data: { datasets: [] },
  options: {
    animation: false,
    parsing: false,
    normalized: true,
    indexAxis: 'x',
    maintainAspectRatio: false,
    plugins: { legend: { display: false }, tooltip: { enabled: false } },
    scales: { x: { type: 'linear' }, y: { type: 'logarithmic' } },
  },
});

const time = (update: () => void): number => {
  const start = performance.now();
  update();
  return performance.now() - start;
};

const bench = {
  /** The app: typed columns in, decimated per view, drawn. */
  app(runs: number, points: number): number {
    const lines = makeLines(runs, points);
    return time(() => {
      props.lines = lines;
      flushSync();
    });
  },
  /** Plain Chart.js on ready-made {x, y} points (what it needs with parsing off), its decimation on or off. */
  chartjs(runs: number, points: number, decimation: boolean): number {
    const datasets = makeLines(runs, points).map((line) => ({
      data: Array.from(line.values, (y, i) => ({ x: line.steps[i], y })),
      borderColor: line.color,
      borderWidth: 1.5,
      pointRadius: 0,
    }));
    baseline.options.plugins!.decimation = { enabled: decimation, algorithm: 'min-max' };
    return time(() => {
      baseline.data.datasets = datasets;
      baseline.update('none');
    });
  },
  /** Points the app's chart drew last time. */
  drawnPoints: (): number => Number(document.querySelector('[data-testid="bench-box"]')?.getAttribute('data-points')),
};

Object.assign(window, { chartBench: bench });
