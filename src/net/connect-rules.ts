import type { AedesOptions, Client, ConnectPacket } from 'aedes';
import type { BrokerLimits } from './broker-limits.ts';

type Hooks = Pick<AedesOptions, 'preConnect' | 'authenticate'>;
type AuthenticateError = Parameters<Parameters<NonNullable<AedesOptions['authenticate']>>[3]>[0];

/**
 * The CONNECT rules the embedded broker adds to aedes, as its `preConnect` and `authenticate` hooks
 * (wrapping the caller's own, which run after them):
 * - keep-alive 0 ("no keep-alive", [MQTT-3.1.2-10]) and keep-alives over the limit are accepted and
 *   held to `keepaliveLimitS`, since a server may drop an inactive client whatever it asked for
 *   ([MQTT-3.1.2-24] note); aedes' own `keepaliveLimit` refuses them with return code 6, which
 *   MQTT 3.1.1 reserves, so standard test clients could not connect at all;
 * - a zero-byte client id with clean session 0 gets CONNACK "identifier rejected" ([MQTT-3.1.3-8]);
 *   so does one with MQTT 3.1, which requires 1–23 characters;
 * - a client id over `maxClientIdLength` gets "identifier rejected" (aedes checks it for 3.1 only).
 */
export function connectRules(limits: BrokerLimits, hooks: Hooks = {}): Required<Hooks> {
  // Set in preConnect, where the packet is seen, and answered in authenticate, where aedes sends the
  // CONNACK with the return code (a preConnect refusal closes the socket without one).
  const rejectedIds = new WeakMap<Client, string>();
  return {
    preConnect(client: Client, packet: ConnectPacket, callback) {
      const keepalive = packet.keepalive ?? 0;
      if (keepalive === 0 || keepalive > limits.keepaliveLimitS) packet.keepalive = limits.keepaliveLimitS;
      const id = packet.clientId ?? '';
      if (id === '' && (!packet.clean || packet.protocolVersion === 3)) {
        rejectedIds.set(
          client,
          packet.protocolVersion === 3 ? 'MQTT 3.1 requires a client id' : 'a zero-byte client id requires clean session [MQTT-3.1.3-8]',
        );
      } else if (id.length > limits.maxClientIdLength) {
        rejectedIds.set(client, `client id longer than ${limits.maxClientIdLength} characters`);
      }
      if (hooks.preConnect) return hooks.preConnect(client, packet, callback);
      callback(null, true);
    },
    authenticate(client, username, password, done) {
      const reason = rejectedIds.get(client);
      if (reason !== undefined) {
        // [MQTT-3.2.2-3]: return code 2, identifier rejected; aedes then closes the connection.
        return done(Object.assign(new Error(reason), { returnCode: 2 }) as AuthenticateError, false);
      }
      if (hooks.authenticate) return hooks.authenticate(client, username, password, done);
      done(null, true);
    },
  };
}
