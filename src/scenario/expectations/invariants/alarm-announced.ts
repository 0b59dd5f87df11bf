import { z } from 'zod';
import { formatSimTime } from '../format.ts';
import { alarmOf } from '../event-data.ts';
import { defineInvariant, ViolationLog } from './invariant.ts';

/** IEC 60601-1-8: an alarm condition of high priority must be announced to the operator. */
export const alarmAnnounced = defineInvariant({
  summary: 'Every alarm of the given priority (and code, if given) that a device raises is announced, not suppressed',
  params: z.strictObject({
    priority: z.enum(['high', 'medium', 'low']).default('high'),
    code: z.string().optional(),
  }),
  describe: (p) => `every ${p.code ?? `${p.priority}-priority`} alarm is announced`,
  create(params, env) {
    const selected = new Set(env.devices.map((d) => d.id));
    const violations = new ViolationLog();
    return {
      violations,
      onEvent(event) {
        if (event.type !== 'alarm.raised' || !selected.has(event.source)) return;
        const alarm = alarmOf(event);
        if (alarm.priority !== params.priority || (params.code !== undefined && alarm.code !== params.code) || !alarm.suppressed) return;
        violations.add({
          device: event.source,
          at: event.t,
          evidence: [event.id],
          detail: `${alarm.code} (${alarm.priority}) on ${event.source} at ${formatSimTime(event.t)} was suppressed`,
        });
      },
      pending: () => [],
    };
  },
});
