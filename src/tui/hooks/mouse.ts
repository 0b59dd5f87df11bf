/**
 * Mouse reporting (xterm's, in SGR encoding: `ESC [ < button ; column ; row M`), which tmux, iTerm2,
 * GNOME Terminal, Windows Terminal and most others understand. Only presses are reported (mode 1000);
 * a terminal without it simply sends nothing, and the keyboard does everything the mouse does.
 */
export function mouseOn(): string {
  return '\x1b[?1000h\x1b[?1006h';
}

export function mouseOff(): string {
  return '\x1b[?1006l\x1b[?1000l';
}

export interface MouseEvent {
  /** 0 left, 1 middle, 2 right, 64/65 wheel up/down. */
  button: number;
  /** 1-based column and row of the terminal cell. */
  column: number;
  row: number;
  press: boolean;
}

const SGR = /\[<(\d+);(\d+);(\d+)([Mm])/;

/** A mouse report in what ink handed over as input (it strips the leading ESC), or undefined. */
export function parseMouse(input: string): MouseEvent | undefined {
  const m = SGR.exec(input);
  if (!m) return undefined;
  return { button: Number(m[1]) & 0b1100011, column: Number(m[2]), row: Number(m[3]), press: m[4] === 'M' };
}
