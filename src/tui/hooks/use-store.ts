import { useSyncExternalStore } from 'react';
import type { TuiStore } from '../store.ts';

/** Re-renders the component whenever the store flushes a change; returns the store's version. */
export function useStoreVersion(store: TuiStore): number {
  return useSyncExternalStore(store.subscribe, store.getVersion);
}
