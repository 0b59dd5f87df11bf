import { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { durationSchema } from '../../core/duration-schema.ts';
import type { Rng } from '../../core/rng.ts';

export const flappingParams = z
  .object({
    down: durationSchema.describe('mean time the link is down in each cycle'),
    up: durationSchema.describe('mean time the link is up between outages'),
    spread: z.number().min(0).max(1).default(0.5).describe('each phase lasts its mean × (1 ± spread), uniform'),
    startDown: z.boolean().default(true).describe('the first phase is an outage'),
  })
  .strict()
  .refine((p) => p.down > 0 && p.up > 0, { message: 'down and up must both be longer than 0', path: ['down'] });

export type FlappingParams = z.output<typeof flappingParams>;

/**
 * A flapping link: down and up in turn, each phase's length drawn from a seeded stream (mean × (1 ±
 * spread), uniform), on the given clock — so in fast mode the cycles fall at the same simulated
 * instants on every machine. It drives any target with a down switch (a FaultProxy's `setDown`); the
 * runtime starts it when the fault's window opens and stops it when it closes, which leaves the link up.
 */
export class Flapper {
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #params: FlappingParams;
  readonly #setDown: (down: boolean) => void;
  #timer: number | undefined;
  #down = false;
  /** Completed outages, for the report. */
  outages = 0;

  constructor(params: FlappingParams, clock: Clock, rng: Rng, setDown: (down: boolean) => void) {
    this.#params = params;
    this.#clock = clock;
    this.#rng = rng;
    this.#setDown = setDown;
  }

  start(): void {
    this.#enter(this.#params.startDown);
  }

  /** Ends the flapping with the link up. */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#down) this.#enter(false, false);
  }

  #enter(down: boolean, schedule = true): void {
    if (this.#down && !down) this.outages++;
    this.#down = down;
    this.#setDown(down);
    if (!schedule) return;
    const mean = down ? this.#params.down : this.#params.up;
    const spread = this.#params.spread;
    const ms = Math.max(1, Math.round(mean * (1 + this.#rng.uniform(-spread, spread))));
    this.#timer = this.#clock.setTimeout(() => this.#enter(!down), ms);
  }
}
