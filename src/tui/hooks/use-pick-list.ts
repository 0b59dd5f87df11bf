import { useKeys } from './use-keys.tsx';
import { useLiveState } from './use-live-state.ts';

/**
 * A list to pick from, narrowed by what is typed: ↑↓ move, typing narrows (letters, digits, `.`, `_`,
 * `-`), backspace widens, enter picks, esc cancels. Returns the query and the items shown with the
 * index of the current one.
 */
export function usePickList<T>(
  items: readonly T[],
  matches: (item: T, query: string) => boolean,
  onPick: (item: T) => void,
  onCancel: () => void,
): { query: string; shown: readonly T[]; current: number } {
  const [state, get, set] = useLiveState(() => ({ query: '', index: 0 }));
  const narrow = (query: string) => items.filter((item) => matches(item, query));
  useKeys(
    (input, key) => {
      const { query, index } = get();
      const shown = narrow(query);
      const current = Math.min(index, Math.max(0, shown.length - 1));
      if (key.escape) onCancel();
      else if (key.upArrow) set({ query, index: Math.max(0, current - 1) });
      else if (key.downArrow) set({ query, index: Math.min(shown.length - 1, current + 1) });
      else if (key.return) {
        if (shown[current] !== undefined) onPick(shown[current]);
      } else if (key.backspace || key.delete) set({ query: query.slice(0, -1), index: 0 });
      else if (input && !key.ctrl && !key.meta && /^[\w.-]+$/.test(input)) set({ query: query + input, index: 0 });
    },
    { layer: 1 },
  );
  const shown = narrow(state.query);
  return { query: state.query, shown, current: Math.min(state.index, Math.max(0, shown.length - 1)) };
}
