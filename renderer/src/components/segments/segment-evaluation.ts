import { onBeforeUnmount, ref, shallowRef, watch, type Ref, type WatchSource } from 'vue';
import type { SegmentFilter } from '../../engine/insights/segment-filter';
import { useAppStore } from '../../stores/app';
import { clinicZone, errorText } from '../crm-format';

export interface SegmentEvaluation {
  patientIds: string[];
  total: number;
  truncated: boolean;
}

/** Asks the engine worker which patients a filter selects (the risk tiers are assessed there, off the UI thread). */
export async function evaluateInEngine(filter: SegmentFilter, limit: number, includeArchived = false): Promise<SegmentEvaluation> {
  const engine = await useAppStore().whenEngine();
  // A filter held in Vue state is a proxy, which cannot cross to the worker: send plain data.
  const plain = JSON.parse(JSON.stringify(filter)) as SegmentFilter;
  return engine.call('segments.evaluate', { filter: plain, zone: clinicZone(), limit, includeArchived });
}

/**
 * A filter's result as Vue state, re-evaluated (debounced) when the filter or `refresh`
 * changes; an older answer never overwrites a newer one.
 */
export function useSegmentEvaluation(filter: Ref<SegmentFilter | undefined>, limit: number, refresh: WatchSource[] = [], delayMs = 250) {
  const result = shallowRef<SegmentEvaluation>();
  const loading = ref(false);
  const error = ref<string>();
  let run = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const evaluate = () => {
    clearTimeout(timer);
    const f = filter.value;
    const mine = ++run;
    if (!f) {
      loading.value = false;
      return;
    }
    loading.value = true;
    timer = setTimeout(async () => {
      try {
        const r = await evaluateInEngine(f, limit);
        if (mine === run) {
          result.value = r;
          error.value = undefined;
        }
      } catch (err) {
        if (mine === run) error.value = errorText(err);
      } finally {
        if (mine === run) loading.value = false;
      }
    }, delayMs);
  };
  watch([() => JSON.stringify(filter.value ?? null), ...refresh], evaluate, { immediate: true });
  onBeforeUnmount(() => clearTimeout(timer));
  return { result, loading, error, evaluate };
}
