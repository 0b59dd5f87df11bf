import { createContext, useContext, type ReactNode } from 'react';
import type { Condition } from './state/condition.ts';
import type { Severity } from './state/feed.ts';

/** Names of what gets a colour; components never name raw colours. */
export type Role = Condition | Severity | 'accent' | 'muted' | 'ok' | 'fail' | 'measured' | 'truth' | 'paused' | 'running';

const COLORS: Record<Role, string> = {
  compromised: 'magentaBright',
  'alarm-high': 'red',
  offline: 'gray',
  'alarm-medium': 'yellow',
  stale: 'magenta',
  diverged: 'blue',
  'alarm-low': 'cyan',
  faulted: 'blueBright',
  normal: 'green',
  info: 'white',
  warning: 'yellow',
  low: 'cyan',
  medium: 'yellow',
  high: 'red',
  accent: 'cyan',
  muted: 'gray',
  ok: 'green',
  fail: 'red',
  measured: 'cyan',
  truth: 'gray',
  paused: 'yellow',
  running: 'green',
};

export interface Theme {
  /** The colour for a role, or undefined with colour off (NO_COLOR, --no-color). */
  color(role: Role): string | undefined;
  noColor: boolean;
}

export function createTheme(noColor: boolean): Theme {
  return { noColor, color: (role) => (noColor ? undefined : COLORS[role]) };
}

/**
 * Colour is off when asked (`--no-color`), or when NO_COLOR is set to anything non-empty (no-color.org):
 * a caller passing `noColor: false` by default must not switch colour back on against NO_COLOR.
 */
export function colorDisabled(noColor: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return noColor === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

const ThemeContext = createContext<Theme>(createTheme(false));

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
