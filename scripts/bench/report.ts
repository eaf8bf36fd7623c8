/** One figure of a benchmark, printed and optionally written to JSON (`npm run bench -- --json FILE`). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** value ÷ baseline of the same run, when there is one; `baseline` says what it was. */
  ratio?: number;
  baseline?: string;
  budget?: string;
}

export function printFigure(f: Figure): void {
  const value = f.value >= 100 ? f.value.toFixed(0) : f.value >= 10 ? f.value.toFixed(1) : f.value.toFixed(2);
  const ratio = f.ratio !== undefined ? `  ratio ${f.ratio.toFixed(2)} (vs ${f.baseline})` : '';
  const budget = f.budget ? `  [budget ${f.budget}]` : '';
  console.log(`${f.name.padEnd(48)} ${value.padStart(10)} ${f.unit}${ratio}${budget}`);
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
