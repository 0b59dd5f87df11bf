import { inspect } from 'node:util';

/**
 * A credential that must never reach a log, a report or the console. Printing, JSON-encoding or
 * inspecting it shows `[secret]`; only `reveal()` gives the value, so every use is greppable.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
