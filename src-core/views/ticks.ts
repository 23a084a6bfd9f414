/** Axis tick labels that stay readable on linear and log axes, over any number of decades. */

const decimal = (x: number): string => {
  const rounded = Number(x.toPrecision(3));
  const magnitude = Math.abs(rounded);
  // "1e18" and "5e-7", never "1000000000000000000" or "5e-7" with a "+".
  return magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-4) ? rounded.toExponential().replace('e+', 'e') : String(rounded);
};

/**
 * The label of a tick at `value`: three significant digits. On a log axis only 1, 2 and 5 × 10ᵏ are labelled, and
 * only 1 × 10ᵏ when the axis spans more than `crowded` decades (Chart.js puts a tick at every mantissa; labelling
 * them all piles the labels up); the others get '' and keep their grid line. An axis within one decade labels every
 * tick: it has few, and 1, 2 and 5 alone could leave it one label or none.
 */
export function tickLabel(value: number, log: boolean, decades: number, crowded = 3): string {
  if (!log) return decimal(value);
  if (!(value > 0)) return '';
  const mantissa = Number((value / 10 ** Math.floor(Math.log10(value))).toPrecision(6));
  const shown = decades < 1 || (decades > crowded ? mantissa === 1 || mantissa === 10 : [1, 2, 5, 10].includes(mantissa));
  return shown ? decimal(value) : '';
}
