import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { generateMeals, mealSchema, mealsSchema } from './meals.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('generateMeals (simglucose RandomScenario)', () => {
  it('is deterministic per stream', () => {
    expect(generateMeals(new Rng(1).fork('meals'), 3)).toEqual(generateMeals(new Rng(1).fork('meals'), 3));
    expect(generateMeals(new Rng(2).fork('meals'), 3)).not.toEqual(generateMeals(new Rng(1).fork('meals'), 3));
  });

  it('draws meals in simglucose’s windows and amounts', () => {
    const meals = generateMeals(new Rng('schedule').fork('meals'), 60);
    const hours = (m: { at: number }) => (m.at % DAY) / HOUR;
    const breakfasts = meals.filter((m) => hours(m) >= 5 && hours(m) < 9 && m.carbsG > 25);
    const dinners = meals.filter((m) => hours(m) >= 16 && hours(m) <= 20 && m.carbsG > 40);
    // Main meals come with probability 0.95.
    expect(breakfasts.length).toBeGreaterThan(50);
    expect(dinners.length).toBeGreaterThan(50);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(breakfasts.map(hours))).toBeCloseTo(7, 0);
    expect(mean(dinners.map((m) => m.carbsG))).toBeGreaterThan(75);
    expect(mean(dinners.map((m) => m.carbsG))).toBeLessThan(85);
    expect(meals.every((m) => hours(m) >= 5 && hours(m) <= 23 && Number.isInteger(m.at / 60_000))).toBe(true);
    expect(meals.map((m) => m.at)).toEqual([...meals.map((m) => m.at)].sort((a, b) => a - b));
    const perDay = meals.length / 60;
    expect(perDay).toBeGreaterThan(3);
    expect(perDay).toBeLessThan(4.5); // 3 × 0.95 + 3 × 0.3 = 3.75 expected
  });

  it('shifts the schedule when the run starts mid-day and stays within the run', () => {
    const meals = generateMeals(new Rng(3).fork('meals'), 20, { startHour: 8 });
    expect(meals.every((m) => m.at >= 0 && m.at < 20 * DAY)).toBe(true);
    const clockHour = (m: { at: number }) => (m.at / HOUR + 8) % 24;
    expect(meals.every((m) => clockHour(m) >= 5 && clockHour(m) <= 23)).toBe(true);
    // Run time 0 is 08:00, so a dinner (16–20 h on the clock) falls 8–12 h into each run day.
    expect(meals.filter((m) => m.carbsG > 50 && (m.at % DAY) / HOUR >= 8 && (m.at % DAY) / HOUR <= 12).length).toBeGreaterThan(15);
  });
});

describe('mealSchema', () => {
  it('parses a duration or milliseconds and grams', () => {
    expect(mealSchema.parse({ at: '7h30m', carbs: 60 })).toEqual({ at: 7.5 * HOUR, carbsG: 60 });
    expect(mealsSchema.parse([{ at: 1000, carbs: 5 }])).toEqual([{ at: 1000, carbsG: 5 }]);
  });

  it('explains bad meals', () => {
    const result = mealSchema.safeParse({ at: 'breakfast', carbs: -5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'at: meal.at: expected a duration like "250ms", "30s", "5m", "2h", "1d" or "1h30m", received "breakfast"',
      'carbs: Too small: expected number to be >0',
    ]);
  });
});
