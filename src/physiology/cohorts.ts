import { z } from 'zod';

/**
 * Age groups of people with type 1 diabetes, with the insulin needs published for each. A patient's
 * Hovorka parameters are drawn as shapes (glucose-parameters.ts) and its insulin sensitivities then
 * scaled so that its basal need matches a basal dose drawn from its cohort's distribution below.
 *
 * Total daily dose (TDD) per kg by age in the T1D Exchange clinic registry (Foster NC, Beck RW, Miller
 * KM, et al., Diabetes Technol Ther 2019;21:66–72; Miller KM et al., Diabetes Care 2015;38:971–978):
 * about 0.85 U/kg/day in children 6–12, 1.0 in adolescents 13–17, 0.6–0.7 in adults; coefficient of
 * variation about 30 %. Basal insulin is 30–50 % of TDD (ISPAD Clinical Practice Consensus Guidelines
 * 2022, chapter 9; adults on pumps about 45 %). So basal medians of 0.30 (adult), 0.42 (adolescent) and
 * 0.33 U/kg/day (child), log-normal σ 0.3, drawn within 0.15–0.8 U/kg/day; adults with type 1 diabetes
 * typically need 0.2–0.5 U/kg/day of basal insulin.
 *
 * Ages follow the UVA/Padova simulator's three cohorts (Kovatchev BP et al., J Diabetes Sci Technol
 * 2009;3:44–55): children 7–12, adolescents 13–19 (here 13–17: 18 and 19 are adults in the registry's
 * dosing figures), adults.
 */
export interface Cohort {
  ages: { min: number; max: number };
  /**
   * Glucose turnover per kg relative to adults (EGP0 and F01 scaled together). Children's glucose
   * production per kg is higher, in proportion to the brain's share of the body (Bier DM et al.,
   * Diabetes 1977;26:1016: about 4–6 mg/kg/min in young children against 2–2.5 in adults); here 1.8×
   * at 7–12 years and 1.15× in adolescents. With the same basal need per kg this makes children
   * more insulin-sensitive, hence their higher carb ratios.
   */
  turnover: number;
  /** Median basal insulin need, U/kg/day, and the log-normal spread of its distribution. */
  basalUPerKgDay: { median: number; sigma: number; min: number; max: number };
}

export const COHORTS = {
  adult: { ages: { min: 18, max: 85 }, turnover: 1, basalUPerKgDay: { median: 0.3, sigma: 0.3, min: 0.15, max: 0.8 } },
  adolescent: { ages: { min: 13, max: 17 }, turnover: 1.15, basalUPerKgDay: { median: 0.42, sigma: 0.3, min: 0.15, max: 0.8 } },
  child: { ages: { min: 7, max: 12 }, turnover: 1.8, basalUPerKgDay: { median: 0.33, sigma: 0.3, min: 0.15, max: 0.8 } },
} as const satisfies Record<string, Cohort>;

export type CohortName = keyof typeof COHORTS;

export const COHORT_NAMES = Object.keys(COHORTS) as CohortName[];

export const cohortSchema = z.enum(COHORT_NAMES as [CohortName, ...CohortName[]]);
