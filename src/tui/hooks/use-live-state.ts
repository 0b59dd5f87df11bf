import { useCallback, useReducer, useRef } from 'react';

/**
 * State that key handlers can read back at once: `get()` returns what the last `set` stored, even
 * before React re-renders. Several keys can arrive in one chunk of input (a paste, tmux `send-keys`),
 * and each must see the state the previous one left, not the state of the last render.
 */
export function useLiveState<T>(initial: () => T): [current: T, get: () => T, set: (next: T | ((previous: T) => T)) => void] {
  const ref = useRef<{ value: T } | undefined>(undefined);
  ref.current ??= { value: initial() };
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const get = useCallback(() => ref.current!.value, []);
  const set = useCallback((next: T | ((previous: T) => T)) => {
    const box = ref.current!;
    box.value = typeof next === 'function' ? (next as (previous: T) => T)(box.value) : next;
    rerender();
  }, []);
  return [ref.current.value, get, set];
}
