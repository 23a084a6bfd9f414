/** A line of a SeriesChart (components/charts/SeriesChart.svelte): its points, its style, and what goes with it. */
export interface ChartLine {
  label: string;
  /** x of each value, ascending. */
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  color: string;
  /** The line's dash pattern (setLineDash); solid when absent. */
  dash?: number[];
  /** Draw a dot at each point: for curves of a few points, such as loss against lr. */
  showPoints?: boolean;
  /** A spread around the line at the same steps (a group's min–max or ± sd), filled translucent in its colour. */
  band?: { lower: ArrayLike<number>; upper: ArrayLike<number> };
  /** Drawn thin and translucent behind the others, out of the legend and tooltips: a raw curve behind its smoothed one. */
  faint?: boolean;
}
