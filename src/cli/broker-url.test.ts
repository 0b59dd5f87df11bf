import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from './broker-url.ts';

describe('parseBrokerUrl', () => {
  it.each([
    ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
    ['127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
    ['localhost', 'mqtt://localhost:1883'],
    ['tcp://broker.local:2883', 'mqtt://broker.local:2883'],
    ['MQTT://[::1]:1884', 'mqtt://[::1]:1884'],
  ])('%s → %s', (input, url) => expect(parseBrokerUrl(input)).toBe(url));

  it.each([
    ['http://127.0.0.1:1883', /http:\/\/ is not MQTT over TCP/],
    ['ws://127.0.0.1:9001', /ws:\/\/ is not MQTT over TCP/],
    ['mqtts://127.0.0.1:8883', /connect without TLS for now/],
    ['mqtt://127.0.0.1:99999', /like mqtt:\/\/127\.0\.0\.1:1883 or 127\.0\.0\.1:1883/],
    ['mqtt://user:pw@127.0.0.1:1883', /credentials and paths are not supported/],
    ['mqtt://127.0.0.1:1883/topic', /credentials and paths are not supported/],
  ])('refuses %s', (input, message) => expect(() => parseBrokerUrl(input)).toThrow(message));
});
