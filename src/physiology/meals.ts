import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import type { Rng } from '../core/rng.ts';

/** A meal at simulation time `at` (ms) with `carbsG` grams of carbohydrate. */
export interface Meal {
  at: number;
  carbsG: number;
}

/**
 * An explicit meal in a scenario file: `{ at: "7h30m", carbs: 60 }` (`at` a duration from the run
 * start or milliseconds). Parses to a `Meal`.
 */
export const mealSchema = z
  .object({
    at: z.union([z.string(), z.number()]).transform((value, ctx) => {
      try {
        return parseDuration(value, 'meal.at');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
    // 300 g is far above any single meal in simglucose's schedule; larger values are typos.
    carbs: z.number().positive().max(300),
  })
  .transform((m): Meal => ({ at: m.at, carbsG: m.carbs }));

export const mealsSchema = z.array(mealSchema);

interface MealSlot {
  name: string;
  probability: number;
  /** Bounds and mean of the time of day (minutes), and its SD. */
  earliest: number;
  latest: number;
  mean: number;
  sd: number;
  carbsMean: number;
  carbsSd: number;
}

/**
 * simglucose's RandomScenario (jxx123/simglucose, simulation/scenario_gen.py): each day, breakfast,
 * lunch and dinner with probability 0.95 and three snacks with probability 0.3; the time from a normal
 * truncated to the slot's window, rounded to the minute; grams from a normal, rounded, at least 0.
 */
const SLOTS: readonly MealSlot[] = [
  { name: 'breakfast', probability: 0.95, earliest: 5 * 60, latest: 9 * 60, mean: 7 * 60, sd: 60, carbsMean: 45, carbsSd: 10 },
  { name: 'snack', probability: 0.3, earliest: 9 * 60, latest: 10 * 60, mean: 9.5 * 60, sd: 30, carbsMean: 10, carbsSd: 5 },
  { name: 'lunch', probability: 0.95, earliest: 10 * 60, latest: 14 * 60, mean: 12 * 60, sd: 60, carbsMean: 70, carbsSd: 10 },
  { name: 'snack', probability: 0.3, earliest: 14 * 60, latest: 16 * 60, mean: 15 * 60, sd: 30, carbsMean: 10, carbsSd: 5 },
  { name: 'dinner', probability: 0.95, earliest: 16 * 60, latest: 20 * 60, mean: 18 * 60, sd: 60, carbsMean: 80, carbsSd: 10 },
  { name: 'snack', probability: 0.3, earliest: 20 * 60, latest: 23 * 60, mean: 21.5 * 60, sd: 30, carbsMean: 10, carbsSd: 5 },
];

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface GenerateMealsOptions {
  /** Time of day at simulation time 0, hours (default 0: the run starts at midnight). */
  startHour?: number;
}

/**
 * Random meals for `days` days from simulation time 0, in simglucose's style, sorted by time. Meals
 * that would fall before time 0 (when the run starts mid-day) are dropped; zero-gram draws are skipped.
 */
export function generateMeals(rng: Rng, days: number, options: GenerateMealsOptions = {}): Meal[] {
  const offset = Math.round((options.startHour ?? 0) * 3_600_000);
  const end = days * DAY;
  const meals: Meal[] = [];
  const calendarDays = Math.ceil((end + offset) / DAY);
  for (let day = 0; day < calendarDays; day++) {
    for (const slot of SLOTS) {
      if (rng.next() >= slot.probability) continue;
      const minute = Math.round(truncatedNormal(rng, slot.mean, slot.sd, slot.earliest, slot.latest));
      const carbsG = Math.max(Math.round(rng.normal(slot.carbsMean, slot.carbsSd)), 0);
      const at = day * DAY + minute * MINUTE - offset;
      if (carbsG > 0 && at >= 0 && at < end) meals.push({ at, carbsG });
    }
  }
  return meals.sort((a, b) => a.at - b.at);
}

/** A normal draw conditioned on [lo, hi] by rejection: the same distribution as scipy's truncnorm. */
function truncatedNormal(rng: Rng, mean: number, sd: number, lo: number, hi: number): number {
  for (let i = 0; i < 1000; i++) {
    const x = rng.normal(mean, sd);
    if (x >= lo && x <= hi) return x;
  }
  return Math.min(hi, Math.max(lo, mean));
}
