/** The benchmark's comparison: each figure for ours and the peer, and their ratio. */
import { ratio } from './stats.ts';

/** `score`: a unitless figure such as a Lighthouse score (0–100) or CLS, shown to 3 decimals at most. */
export type Unit = 'bytes' | 'ms' | 's' | 'count' | '%' | 'score';

export interface Metric {
  name: string;
  unit: Unit;
  ours: number;
  /** Null when the peer has no such figure (e.g. it has no demo phase). */
  peer: number | null;
}

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'bytes':
      return value < 1024
        ? `${value} B`
        : value < 1024 * 1024
          ? `${(value / 1024).toFixed(1)} KB`
          : `${(value / 1024 / 1024).toFixed(1)} MB`;
    case 'ms':
      return `${value.toFixed(0)} ms`;
    case 's':
      return `${value.toFixed(2)} s`;
    case 'count':
      return String(value);
    case '%':
      return `${value.toFixed(1)}%`;
    case 'score':
      return String(Math.round(value * 1000) / 1000);
  }
}

/** Ours ÷ Starlight per metric, for the JSON (null where there is no peer figure). */
export function ratios(metrics: readonly Metric[]): Record<string, number | null> {
  return Object.fromEntries(metrics.map((m) => [m.name, m.peer === null ? null : ratio(m.ours, m.peer)]));
}

/** Rows for console.table: one per metric, values formatted with their unit. */
export function comparisonRows(
  metrics: readonly Metric[],
): Record<string, { ours: string; starlight: string; 'ours ÷ starlight': string }> {
  const seen = new Set<string>();
  const rows: Record<string, { ours: string; starlight: string; 'ours ÷ starlight': string }> = {};
  for (const m of metrics) {
    if (seen.has(m.name)) throw new Error(`metric "${m.name}" is listed twice; give each figure its own name`);
    seen.add(m.name);
    const r = m.peer === null ? null : ratio(m.ours, m.peer);
    rows[m.name] = {
      ours: formatValue(m.ours, m.unit),
      starlight: m.peer === null ? '—' : formatValue(m.peer, m.unit),
      'ours ÷ starlight': r === null ? '—' : r.toFixed(2),
    };
  }
  return rows;
}
