import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';

export type KeyHandler = (input: string, key: Key) => void;

interface Entry {
  layer: number;
  order: number;
  handler: { current: KeyHandler };
}

/**
 * Routes every key to one handler: the highest layer (an open menu above the screen beneath it), the
 * most recently activated on a tie. Handlers register in layout effects, so a menu owns the keyboard
 * from the moment it is drawn; ink's `useInput` re-subscribes in passive effects, which a busy event
 * loop can delay past the next keystroke (a key then reaches a stale handler, or the screen under a menu).
 */
export class KeyRouter {
  #entries: Entry[] = [];
  #global: { current: KeyHandler }[] = [];
  #order = 0;

  add(handler: { current: KeyHandler }, layer: number): () => void {
    const entry = { layer, order: ++this.#order, handler };
    this.#entries.push(entry);
    return () => {
      this.#entries = this.#entries.filter((e) => e !== entry);
    };
  }

  /** A handler that sees every key before the routed one (ctrl+c). */
  addGlobal(handler: { current: KeyHandler }): () => void {
    this.#global.push(handler);
    return () => {
      this.#global = this.#global.filter((h) => h !== handler);
    };
  }

  dispatch(input: string, key: Key): void {
    for (const g of this.#global) g.current(input, key);
    let top: Entry | undefined;
    for (const e of this.#entries) if (!top || e.layer > top.layer || (e.layer === top.layer && e.order > top.order)) top = e;
    top?.handler.current(input, key);
  }
}

const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/** Listens to ink's input once, for the whole app, and hands keys to the router. */
export function KeyRouterProvider({ children }: { children: ReactNode }) {
  const router = useMemo(() => new KeyRouter(), []);
  const dispatch = useCallback<KeyHandler>((input, key) => router.dispatch(input, key), [router]);
  useInput(dispatch);
  return <KeyRouterContext.Provider value={router}>{children}</KeyRouterContext.Provider>;
}

/**
 * Handles keys while `active`, on `layer` (0 = a screen, 1 = a menu or overlay over it). The handler
 * always sees the latest props and state.
 */
export function useKeys(handler: KeyHandler, options: { layer?: number; active?: boolean; global?: boolean } = {}): void {
  const router = useContext(KeyRouterContext);
  if (!router) throw new Error('useKeys needs a <KeyRouterProvider> above it');
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  const { layer = 0, active = true, global = false } = options;
  useLayoutEffect(() => {
    if (!active) return;
    return global ? router.addGlobal(ref) : router.add(ref, layer);
  }, [router, layer, active, global]);
}
