import { InvalidArgumentError } from 'commander';

/**
 * `--broker`: an MQTT broker's address, normalised to `mqtt://host:port`. Accepts `mqtt://` (and
 * mqtt.js' alias `tcp://`), or a bare `host:port` / `host` (port 1883), since that is how brokers are
 * usually written down. Refuses schemes the device clients do not speak here (http, ws, mqtts) with
 * what to write instead: mqtt.js took `127.0.0.1:1883` for a URL of scheme "127.0.0.1" and failed
 * mid-run with "Invalid header flag bits", and took `http://` as plain MQTT.
 */
export function parseBrokerUrl(value: string): string {
  const text = value.trim();
  const example = 'mqtt://127.0.0.1:1883';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'mqtt' && scheme !== 'tcp') {
    const why =
      scheme === 'mqtts' || scheme === 'ssl' || scheme === 'tls'
        ? "the fleet's device clients connect without TLS for now"
        : `${scheme}:// is not MQTT over TCP`;
    throw new InvalidArgumentError(`expected an MQTT broker address like ${example}, received "${value}" (${why})`);
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `mqtt://${text}` : `mqtt://${text.slice(scheme.length + 3)}`);
  } catch {
    throw new InvalidArgumentError(`expected an MQTT broker address like ${example} or 127.0.0.1:1883, received "${value}"`);
  }
  if (url.hostname === '') throw new InvalidArgumentError(`expected a host in the broker address, like ${example}, received "${value}"`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new InvalidArgumentError(
      `expected only a host and port in the broker address, like ${example}, received "${value}" (credentials and paths are not supported here)`,
    );
  }
  const port = url.port === '' ? 1883 : Number(url.port);
  return `mqtt://${url.hostname}:${port}`;
}
