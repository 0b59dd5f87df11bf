import './quiet-debug.ts'; // first: before mqtt-packet and aedes create their loggers
import mqtt from 'mqtt';
import { EnvironmentError } from '../core/errors.ts';

/**
 * Checks that an MQTT broker answers at `url` before a run puts its fleet on it: one connection, one
 * CONNACK. Without it an unreachable broker (nothing listening, a firewall, a typo) or something that
 * is not a broker at all (an HTTP server) surfaced as device errors mid-run and exit code 1, which CI
 * reads as failed expectations. Throws an EnvironmentError (exit 3) saying which it was.
 */
export async function probeBroker(url: string, timeoutMs = 5000): Promise<void> {
  const client = mqtt.connect(url, {
    clientId: `medtwin-probe-${process.pid}`,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    clean: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs + 500);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      client.once('close', () => {
        clearTimeout(timer);
        reject(new Error('the connection closed before the broker accepted it'));
      });
    });
  } catch (error) {
    const reason = (error as Error).message;
    const code = (error as NodeJS.ErrnoException).code;
    const network = typeof code === 'string' && code.startsWith('E');
    throw new EnvironmentError(
      'E_BROKER_UNREACHABLE',
      network
        ? `cannot reach the MQTT broker at ${url}: ${reason}. Is it running and listening there? (Without --broker, medtwin starts its own.)`
        : `the server at ${url} did not answer as an MQTT 3.1.1 broker: ${reason}. Check the address points at an MQTT port (1883 by convention).`,
      { cause: error },
    );
  } finally {
    client.end(true);
  }
}
