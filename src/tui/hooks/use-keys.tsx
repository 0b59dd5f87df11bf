import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { parseMouse, type MouseEvent } from './mouse.ts';

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
 *
 * Keys are handed out one at a time, each only once React has committed what its predecessor caused:
 * after a key the router asks its provider for a commit (`bindCommit`) and waits for `settled`, which the
 * provider calls from an effect of that commit. React batches the provider's update with the ones the
 * key made, so by then the menu the key opened listens, the one it closed has let go and the effects it
 * set off have run. Waiting for a turn of the event loop is not enough: React renders in tasks of its
 * scheduler, which yields once a task overruns its 5 ms frame, so on a loaded machine the next turn can
 * come first (issue 18: "/pump⏎⏎" then reached the closed search line instead of opening the pump).
 * Keys arriving while the router waits (the rest of a paste, tmux send-keys, a fast typist) queue.
 */
export class KeyRouter {
  #entries: Entry[] = [];
  #global: { current: KeyHandler }[] = [];
  #order = 0;
  #queue: [string, Key][] = [];
  /** A key was delivered and React has not yet settled what it caused. */
  #waiting = false;
  #requestCommit: (() => void) | undefined;
  #mouse: { current: (event: MouseEvent) => void }[] = [];

  /** A handler of mouse reports (hooks/mouse.ts); the newest one gets them. */
  addMouse(handler: { current: (event: MouseEvent) => void }): () => void {
    this.#mouse.push(handler);
    return () => {
      this.#mouse = this.#mouse.filter((h) => h !== handler);
    };
  }

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

  /**
   * How the router has React commit after a key (the provider's state update); without one (a router
   * driven by hand) the next key follows on the next turn of the event loop.
   */
  bindCommit(request: () => void): () => void {
    this.#requestCommit = request;
    return () => {
      if (this.#requestCommit === request) this.#requestCommit = undefined;
    };
  }

  /** React has committed the update `bindCommit`'s request made, and run that commit's effects. */
  settled(): void {
    // Out of React's commit: the next key's handler runs as it would from ink, not inside an effect.
    setImmediate(() => this.#next());
  }

  dispatch(input: string, key: Key): void {
    // A mouse report is not a key (ink hands it over as text: "[<0;12;5M").
    const mouse = parseMouse(input);
    if (mouse) {
      this.#mouse.at(-1)?.current(mouse);
      return;
    }
    // ink hands a run of plain characters over as one input ("/pump⏎" typed fast or pasted): each is a
    // key of its own here ("/" opens the search, "pump" goes into it, ⏎ keeps it).
    const chars = [...input];
    if (chars.length > 1 && !key.ctrl && !key.meta) for (const c of chars) this.#queue.push(splitKey(c, key));
    else this.#queue.push([input, key]);
    if (!this.#waiting) this.#next();
  }

  #next(): void {
    const item = this.#queue.shift();
    if (item === undefined) {
      this.#waiting = false;
      return;
    }
    this.#waiting = true;
    try {
      this.#deliver(item[0], item[1]);
    } finally {
      const request = this.#requestCommit;
      if (request) request();
      else setImmediate(() => this.#next());
    }
  }

  #deliver(input: string, key: Key): void {
    for (const g of this.#global) g.current(input, key);
    let top: Entry | undefined;
    for (const e of this.#entries) if (!top || e.layer > top.layer || (e.layer === top.layer && e.order > top.order)) top = e;
    top?.handler.current(input, key);
  }
}

/** One character of a multi-character input as the key it would have been on its own. */
function splitKey(c: string, base: Key): [string, Key] {
  const key: Key = { ...base, shift: /[A-Z]/.test(c) };
  if (c === '\r' || c === '\n') return ['', { ...key, return: true }];
  if (c === '\t') return ['', { ...key, tab: true }];
  if (c === '\x7f') return ['', { ...key, delete: true }];
  if (c === '\b') return ['', { ...key, backspace: true }];
  return [c, key];
}

const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);

/** Listens to ink's input once, for the whole app, and hands keys to the router. */
export function KeyRouterProvider({ children }: { children: ReactNode }) {
  const router = useMemo(() => new KeyRouter(), []);
  const dispatch = useCallback<KeyHandler>((input, key) => router.dispatch(input, key), [router]);
  // A commit per delivered key: `commits` changes only when the router asks, and the effect below runs
  // after the effects of every component beneath (React runs a parent's after its children's).
  const [commits, setCommits] = useState(0);
  useLayoutEffect(() => router.bindCommit(() => setCommits((n) => n + 1)), [router]);
  useEffect(() => {
    if (commits > 0) router.settled();
  }, [router, commits]);
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

/** Receives mouse reports (presses and the wheel) while mounted. */
export function useMouse(handler: (event: MouseEvent) => void): void {
  const router = useContext(KeyRouterContext);
  if (!router) throw new Error('useMouse needs a <KeyRouterProvider> above it');
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  useLayoutEffect(() => router.addMouse(ref), [router]);
}
