import { z } from 'zod';
import { CHANNELS } from '../../../net/topics.ts';
import { alarmOf, num } from '../event-data.ts';
import { formatSimTime } from '../format.ts';
import { defineInvariant, ViolationLog, type Violation } from './invariant.ts';

interface Raised {
  device: string;
  seq: number;
  code: string;
  t: number;
  id: number;
}

const WHY = {
  'in-flight': 'still on its way at the end of the run',
  buffered: "still in the device's offline buffer at the end of the run",
} as const;

/**
 * A central station must hear every alarm: each alarm a device raised and sent (QoS 1, on its alarm
 * channel) reached the twin by the end of the run — however long the link was down, the device had
 * to keep it and send it when it came back (IEC 60601-1-8 distributed alarm systems: an alarm
 * condition must not be lost on its way to the remote operator; ANSI/AAMI 2700-2-1 likewise for a
 * central station). Judged on the delivery ledger: the alarm event names its message by seq.
 */
export const noAlarmLost = defineInvariant({
  summary: 'Every alarm a device raised and sent (QoS 1) reached the twin by the end of the run (the delivery ledger says)',
  params: z.strictObject({ priority: z.enum(['high', 'medium', 'low']).optional() }),
  describe: (p) => `every ${p.priority ? `${p.priority}-priority ` : ''}alarm raised reached the twin`,
  create(params, env) {
    const selected = new Set(env.devices.map((d) => d.id));
    const raised: Raised[] = [];
    return {
      // Nothing is known lost while the run goes on until the ledger says so: judged in pending().
      violations: new ViolationLog(),
      onEvent(event) {
        if (event.type !== 'alarm.raised' || !selected.has(event.source)) return;
        const seq = num(event.data.seq);
        // Suppressed (not sent; alarm-announced judges that) or from a log without seqs.
        if (seq === undefined) return;
        const alarm = alarmOf(event);
        if (params.priority !== undefined && alarm.priority !== params.priority) return;
        raised.push({ device: event.source, seq, code: alarm.code, t: event.t, id: event.id });
      },
      pending(_endMs, context) {
        const out: Violation[] = [];
        const ledger = context?.ledger;
        for (const r of raised) {
          const fate = ledger?.account(r.device)?.channels.get(CHANNELS.alarm)?.fate(r.seq);
          if (fate?.state === 'delivered') continue;
          // While the run goes on, an alarm on its way or waiting in a buffer may still arrive.
          if (context?.live && (fate?.state === 'in-flight' || fate?.state === 'buffered')) continue;
          const why =
            ledger === undefined
              ? 'not checked: the run gave no delivery ledger'
              : fate === undefined
                ? 'not in the delivery ledger'
                : fate.state === 'lost'
                  ? `lost (${fate.reason})`
                  : WHY[fate.state];
          out.push({
            device: r.device,
            at: r.t,
            evidence: [r.id],
            detail: `${r.code} raised on ${r.device} at ${formatSimTime(r.t)}: ${why}`,
          });
        }
        return out;
      },
    };
  },
});
