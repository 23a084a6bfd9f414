/** Chart.js with only the parts the app draws with, registered once: the bundle stays lean. */
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import {
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Decimation, Legend, Tooltip, MatrixController, MatrixElement);

export { Chart };

export interface Point {
  x: number;
  y: number;
}

/** Chart.js wants plain objects, never typed arrays or Svelte proxies (it defines properties on them). */
export function seriesOf(steps: ArrayLike<number>, values: ArrayLike<number>): Point[] {
  const points = new Array<Point>(values.length);
  for (let i = 0; i < values.length; i++) points[i] = { x: steps[i], y: values[i] };
  return points;
}
