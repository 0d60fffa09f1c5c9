import { liveQuery, type Subscription } from 'dexie';
import { onBeforeUnmount, ref, shallowRef, watch, type Ref, type WatchSource } from 'vue';

/**
 * A Dexie liveQuery as Vue state: re-runs when its inputs change and when any context
 * (this tab, the engine worker, another window) writes to the tables it read.
 */
export function useLiveQuery<T>(
  query: () => Promise<T>,
  deps: WatchSource[],
): { data: Ref<T | undefined>; loading: Ref<boolean>; error: Ref<string | undefined> } {
  const data = shallowRef<T>();
  const loading = ref(true);
  const error = ref<string>();
  let sub: Subscription | undefined;
  const start = () => {
    sub?.unsubscribe();
    loading.value = true;
    sub = liveQuery(query).subscribe({
      next: (v) => {
        data.value = v;
        loading.value = false;
        error.value = undefined;
      },
      error: (e: unknown) => {
        error.value = e instanceof Error ? e.message : String(e);
        loading.value = false;
      },
    });
  };
  watch(deps, start, { immediate: true });
  onBeforeUnmount(() => sub?.unsubscribe());
  return { data, loading, error };
}
