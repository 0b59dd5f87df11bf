import { defineRule } from '../rule.ts';
import { envelopeOf } from '../payload.ts';

/**
 * Telemetry whose sequence number could not be the device's own: a jump further ahead than the device
 * could have published in the time since its last message, a number repeated or going back within one
 * session, or an envelope naming another device than its topic. One spoofed message with a huge `seq`
 * blinded the twin to a pump for the rest of a run (issue 17). ATT&CK for ICS T0856 Spoof Reporting
 * Message, T0832 Manipulation of View.
 */
export const telemetrySeqAnomaly = defineRule({
  name: 'telemetry-seq-anomaly',
  summary: 'telemetry with a sequence number the device could not have sent',
  rationale:
    'Each device numbers its telemetry from 1 (docs/topics.md) and publishes at most thresholds.maxTelemetryPerSecond; a jump ' +
    'beyond that rate (plus seqSlack), a repeat or rewind within one session, or an envelope for another device is spoofed ' +
    'reporting (ATT&CK for ICS T0856 Spoof Reporting Message, T0832 Manipulation of View).',
  severity: 'high',
  techniques: ['T0856', 'T0832'],
  create(ctx) {
    const { maxTelemetryPerSecond, seqSlack } = ctx.thresholds;
    const last = new Map<string, { seq: number; t: number; session: number }>();
    // A session count per client id: a reconnect is a new session, so a rewind across one is not a repeat.
    const sessions = new Map<string, number>();
    return {
      observe(o) {
        if (o.kind === 'connect') {
          sessions.set(o.clientId, (sessions.get(o.clientId) ?? 0) + 1);
          return [];
        }
        if (o.kind !== 'publish' || !o.delivered) return [];
        const target = ctx.deviceTopic(o.topic);
        if (target?.channel !== 'telemetry') return [];
        const envelope = envelopeOf(o);
        if (envelope === undefined) return [];
        const base = { evidence: [o.id], clientId: o.clientId, device: target.deviceId };
        if (envelope.device !== target.deviceId) {
          return [{ ...base, summary: `telemetry on ${target.deviceId}'s topic claims to be from ${envelope.device}` }];
        }
        const session = sessions.get(o.clientId) ?? 0;
        const previous = last.get(target.deviceId);
        last.set(target.deviceId, { seq: envelope.seq, t: o.t, session });
        if (previous === undefined) return [];
        const allowed = previous.seq + seqSlack + Math.ceil(((o.t - previous.t) / 1000) * maxTelemetryPerSecond);
        if (envelope.seq > allowed) {
          return [
            {
              ...base,
              summary: `${target.deviceId} telemetry seq jumped from ${previous.seq} to ${envelope.seq} in ${o.t - previous.t} ms`,
            },
          ];
        }
        if (envelope.seq <= previous.seq && session === previous.session) {
          return [
            {
              ...base,
              summary: `${target.deviceId} telemetry seq ${envelope.seq} repeats or rewinds (last ${previous.seq})`,
              severity: 'medium',
            },
          ];
        }
        return [];
      },
    };
  },
});
