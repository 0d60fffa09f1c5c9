import { BASELINE_METRICS, type BaselineMetric } from '../rules/rule';
import type { DailySummaryStore } from './daily-summary';
import { BASELINE_SPECS, DAY_MS } from './metrics';
import type { Baseline } from './robust';
import { cusumTrace, metricTrace } from './trace';

/** What the profile's Baselines card shows per metric (issue 11: explainable, per patient). */
export interface MetricBaselineView {
  metric: BaselineMetric;
  label: string;
  unit: string;
  /** Baseline for the latest day with data (28 days before it), if there are enough days. */
  baseline?: Baseline;
  latest?: { dayMs: number; value: number };
  /** Robust SDs of the latest value from the baseline. */
  deviation?: number;
  /** CUSUM statistics after the latest day, with the default k and h, upwards and downwards. */
  cusumRise: number;
  cusumFall: number;
  /** Day values (x: UTC midnight ms) of the charted days. */
  points: { x: number; y: number }[];
}

/** Defaults the card judges CUSUM state with: the shipped weight rule's k = 1, h = 6. */
export const CARD_CUSUM = { k: 1, h: 6 } as const;

/**
 * Per metric with data, the baseline centre and spread, the latest value, its deviation and
 * the CUSUM state, over the `days` days up to `todayDay`.
 */
export function patientBaselines(store: DailySummaryStore, patientId: string, todayDay: number, days = 56, minBaselineDays = 14): MetricBaselineView[] {
  const out: MetricBaselineView[] = [];
  for (const metric of BASELINE_METRICS) {
    const values = store.days(patientId, metric, todayDay);
    if (!values.some((d) => d.sufficient)) continue;
    const spec = BASELINE_SPECS[metric];
    const trace = metricTrace(values, metric, minBaselineDays, todayDay - days + 1, todayDay);
    const rise = cusumTrace(trace, CARD_CUSUM.k, CARD_CUSUM.h, 'rise');
    const fall = cusumTrace(trace, CARD_CUSUM.k, CARD_CUSUM.h, 'fall');
    const lastIdx = trace.map((p) => p.value !== undefined).lastIndexOf(true);
    const view: MetricBaselineView = {
      metric,
      label: spec.label,
      unit: spec.unit,
      cusumRise: rise[rise.length - 1]?.s ?? 0,
      cusumFall: fall[fall.length - 1]?.s ?? 0,
      points: trace.filter((p) => p.value !== undefined).map((p) => ({ x: p.day * DAY_MS, y: p.value! })),
    };
    if (lastIdx >= 0) {
      const last = trace[lastIdx]!;
      view.latest = { dayMs: last.day * DAY_MS, value: last.value! };
      if (last.baseline) view.baseline = last.baseline;
      if (last.z !== undefined) view.deviation = last.z;
    }
    out.push(view);
  }
  return out;
}
