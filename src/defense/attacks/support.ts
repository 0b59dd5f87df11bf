import { encodeEnvelope } from '../../net/envelope.ts';
import { parseTopic } from '../../net/topics.ts';
import type { AdversarySession } from '../adversary/adversary.ts';
import type { AttackContext, AttackRun, AttackTarget } from './attack.ts';

/** The client id an outsider uses: what a stock MQTT tool would pick (MQTT Explorer's style), fixed so runs repeat. */
export const OUTSIDER_CLIENT_ID = 'mqtt-explorer-5f3a1c';

/** The target's topic of `channel`. */
export function targetTopic(target: AttackTarget, channel: string): string {
  return `medtwin/${target.site}/${target.zone}/${target.kind}/${target.deviceId}/${channel}`;
}

/** Connects as the foothold identity if the adversary has one, else as an outsider under `clientId`. */
export function connectAsAttacker(context: AttackContext, clientId = OUTSIDER_CLIENT_ID): Promise<AdversarySession | undefined> {
  const { foothold } = context.target;
  return foothold === undefined
    ? context.adversary.connect(clientId)
    : context.adversary.connect(foothold.clientId, { username: foothold.username, password: foothold.password }, foothold.tls);
}

/**
 * A command as the twin and consoles send one (docs/topics.md envelope), stamped with the run's time;
 * signed for the target with the foothold's key when the adversary holds one (a compromised console).
 */
export function forgedCommand(context: AttackContext, body: Record<string, unknown> & { type?: string }): string {
  const t = context.adversary.now();
  const signer = context.target.foothold?.signer;
  const wire = signer === undefined ? body : signer.sign(context.target.deviceId, body as Record<string, unknown> & { type: string }, t);
  return encodeEnvelope({ v: 1, device: 'console', kind: 'console', seq: 1, t, body: wire });
}

/** An attack run over `sessions` (none when the broker refused every connection). */
export function runOf(site: string, sessions: readonly (AdversarySession | undefined)[]): AttackRun {
  const live = sessions.filter((s): s is AdversarySession => s !== undefined);
  return {
    sessions: live,
    exposed() {
      const devices = new Set<string>();
      for (const s of live) {
        for (const m of s.received) {
          const parsed = parseTopic(m.topic);
          if (parsed !== undefined && parsed.site === site) devices.add(parsed.deviceId);
        }
      }
      return [...devices].sort();
    },
    async stop() {
      await Promise.all(live.map((s) => s.close()));
    },
  };
}
