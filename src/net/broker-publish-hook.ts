import type { Aedes, Client, PublishPacket } from 'aedes';

/**
 * Called as the broker is asked to publish `packet` (from `client`, null for the broker's own); may
 * return what to call once the broker is done with it — routed to every subscriber's connection, or
 * dropped — before the publisher hears so.
 */
export type BrokerPublishHook = (packet: PublishPacket, client: Client | null) => ((error?: Error | null) => void) | undefined;

type Publish = (packet: PublishPacket, client: Client | null, done: (error?: Error | null) => void) => void;

/**
 * Wraps `aedes.publish` (aedes has no event for "a client's PUBLISH is being handled" that also says
 * when it is finished) so `hook` sees every publish, the publish gate's drops included when the gate
 * was installed first. Returns what unhooks it: the broker's own `publish` comes back when the wrap is
 * still the outermost, and the wrap turns into a pass-through otherwise (a later wrap keeps its place).
 */
export function onBrokerPublish(aedes: Aedes, hook: BrokerPublishHook): () => void {
  const target = aedes as unknown as { publish: Publish };
  const inner = target.publish.bind(aedes) as Publish;
  let active = true;
  const wrapped: Publish = (packet, client, done) => {
    const after = active ? hook(packet, client) : undefined;
    if (typeof after !== 'function') return inner(packet, client, done);
    inner(packet, client, (error) => {
      after(error);
      done(error);
    });
  };
  target.publish = wrapped;
  return () => {
    active = false;
    if (target.publish === wrapped) target.publish = inner;
  };
}
