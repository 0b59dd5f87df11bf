import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quiet, until } from '../../test/helpers/until.ts';
import { SimClock } from '../core/clock.ts';
import { Rng } from '../core/rng.ts';
import { EmbeddedBroker } from './broker.ts';
import { closeClient, connectClient, whenConnected } from './client.ts';
import { FaultProxy } from './proxy/fault-proxy.ts';
import { DEFAULT_BACKOFF, SessionDriver, backoffDelay, clockTimer, drivenClientOptions } from './session-driver.ts';

describe('clockTimer (mqtt.js timerVariant on the injected clock)', () => {
  it('repeats every interval of simulated time until cleared', () => {
    const clock = new SimClock();
    const timer = clockTimer(clock);
    const fired: number[] = [];
    const id = timer.set(() => fired.push(clock.now()), 30_000);
    clock.advance(95_000);
    expect(fired).toEqual([30_000, 60_000, 90_000]);
    timer.clear(id);
    clock.advance(60_000);
    expect(fired).toHaveLength(3);
  });

  it('counts the first period of the next timer from an earlier instant when told to (a PINGRESP taken in late)', () => {
    const clock = new SimClock();
    const timer = clockTimer(clock);
    clock.advance(40_000);
    timer.from(25_000);
    const fired: number[] = [];
    timer.set(() => fired.push(clock.now()), 30_000);
    // Only that one timer: the next counts from now again.
    const later: number[] = [];
    timer.set(() => later.push(clock.now()), 30_000);
    clock.advance(75_000);
    expect(fired).toEqual([55_000, 85_000, 115_000]);
    expect(later).toEqual([70_000, 100_000]);
  });
});

describe('backoffDelay', () => {
  it('doubles up to its cap, jittered from a seeded stream', () => {
    const rng = new Rng(1, 'reconnect:pump-01');
    const delays = Array.from({ length: 10 }, (_, n) => backoffDelay(DEFAULT_BACKOFF, n, rng));
    delays.forEach((d, n) => {
      const step = Math.min(60_000, 1000 * 2 ** n);
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
    });
    const again = new Rng(1, 'reconnect:pump-01');
    expect(Array.from({ length: 10 }, (_, n) => backoffDelay(DEFAULT_BACKOFF, n, again))).toEqual(delays);
  });

  it('spreads a zone coming back instead of bringing every device back in the same instant', () => {
    const root = new Rng('ward');
    const firstRetry = Array.from({ length: 200 }, (_, i) => backoffDelay(DEFAULT_BACKOFF, 3, root.fork(`reconnect:dev-${i}`)));
    // 200 devices over 4–8 s: no 100 ms slot holds more than a handful.
    const slots = new Map<number, number>();
    for (const d of firstRetry) slots.set(Math.floor(d / 100), (slots.get(Math.floor(d / 100)) ?? 0) + 1);
    expect(Math.max(...slots.values())).toBeLessThan(15);
    expect(new Set(firstRetry).size).toBeGreaterThan(150);
    expect(backoffDelay({ ...DEFAULT_BACKOFF, jitter: 'none' }, 3, root)).toBe(8000);
  });
});

describe('SessionDriver on a real broker, through the fault proxy, in simulated time', () => {
  let broker: EmbeddedBroker;
  const clients: MqttClient[] = [];
  const proxies: FaultProxy[] = [];
  beforeAll(async () => {
    broker = await EmbeddedBroker.start();
  });
  afterAll(async () => {
    await broker.close();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => closeClient(c, 200)));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  async function setup(seed = 5) {
    const clock = new SimClock();
    const proxy = await FaultProxy.start({ name: 'zone:a', upstream: { host: broker.host, port: broker.port }, clock, rng: new Rng(seed) });
    proxies.push(proxy);
    return { clock, proxy };
  }

  function device(url: string, clock: SimClock, clientId: string, seed = 5) {
    const client = mqtt.connect(url, { clientId, keepalive: 60, protocolVersion: 4, ...drivenClientOptions(clock, true) });
    client.on('error', () => {});
    clients.push(client);
    const driver = new SessionDriver(client, { clock, rng: new Rng(seed, `reconnect:${clientId}`), simulatedKeepalive: true });
    return { client, driver };
  }

  /** Advances simulated time the way fast mode does: a window, then let the sockets settle. */
  async function run(clock: SimClock, ms: number, windowMs = 1000) {
    for (let t = 0; t < ms; t += windowMs) {
      clock.advance(Math.min(windowMs, ms - t));
      await quiet(2);
    }
  }

  it('notices a blackholed link from its keep-alive in simulated time (60 s keep-alive: gone by 90 s)', async () => {
    const { clock, proxy } = await setup();
    const { client, driver } = device(proxy.url, clock, 'monitor-01');
    await whenConnected(client);
    proxy.addToxic({ type: 'timeout', name: 'ap', direction: 'both' });
    let lostAt: number | undefined;
    client.once('close', () => (lostAt = clock.now()));
    await run(clock, 89_000);
    expect(lostAt).toBeUndefined();
    expect(driver.inFlight).toBe(1); // the PINGREQ sent at 60 s, swallowed
    await run(clock, 2_000);
    await until(() => lostAt !== undefined, 'the keep-alive expiry');
    expect(lostAt).toBe(90_000);
    expect(driver.losses).toBe(1);
  });

  it('with mqtt.js’ own wall-clock keep-alive, the same outage passes unnoticed', async () => {
    const { clock, proxy } = await setup();
    const client = connectClient({ url: proxy.url, identity: { clientId: 'monitor-02' }, extra: { keepalive: 60 } });
    client.on('error', () => {});
    clients.push(client);
    await whenConnected(client);
    proxy.addToxic({ type: 'timeout', direction: 'both' });
    await run(clock, 600_000, 10_000);
    expect(client.connected).toBe(true);
  });

  it('retries with its seeded back-off while the zone is down, and is back after the first attempt once it is up', async () => {
    const { clock, proxy } = await setup();
    const { client, driver } = device(proxy.url, clock, 'pump-07', 11);
    await whenConnected(client);
    proxy.setDown(true);
    await until(() => driver.state === 'waiting', 'the connection to drop');
    await run(clock, 120_000, 500);
    const expected = new Rng(11, 'reconnect:pump-07');
    expect(driver.attempts.length).toBeGreaterThanOrEqual(5);
    // Each retry waits exactly its seeded back-off after the loss before it (1, 2, 4, 8... s, jittered).
    driver.attempts.forEach((at, n) => expect(at - driver.lostAt[n]!).toBe(backoffDelay(DEFAULT_BACKOFF, n, expected)));
    expect(proxy.account().refused).toBe(driver.attempts.length);
    proxy.setDown(false);
    const before = driver.attempts.length;
    await run(clock, 70_000, 500);
    await until(() => client.connected, 'the reconnect');
    expect(driver.attempts.length).toBe(before + 1);
    expect(driver.state).toBe('connected');
  });

  /**
   * Fast mode's loop must stop the clock where a session exchange starts (a PINGREQ, an attempt) and
   * settle there: inside one long advance, the keep-alive's third tick comes before the PINGRESP can.
   */
  async function runSettlingExchanges(clock: SimClock, ms: number, driver: SessionDriver) {
    const target = clock.now() + ms;
    while (clock.now() < target) {
      const due = clock.nextDue();
      clock.advanceTo(due === undefined || due > target ? target : due);
      if (driver.inFlight > 0) await until(() => driver.inFlight === 0, 'the exchange to settle');
    }
  }

  it('keeps a healthy connection through long windows when the loop settles each exchange it starts', async () => {
    const { clock, proxy } = await setup();
    const { client, driver } = device(proxy.url, clock, 'cgm-09');
    await whenConnected(client);
    await runSettlingExchanges(clock, 10 * 60_000, driver);
    expect(driver.losses).toBe(0);
    expect(client.connected).toBe(true);
    // A PINGREQ a minute (nothing else to send), each answered.
    expect(proxy.account().upstream.bytes.in).toBeGreaterThan(9 * 2);
  });

  /**
   * Fast mode's loop as it is: a PINGREQ alone is settled only before the clock reaches its pingDue
   * (the keep-alive's next tick), not at the instant it went out.
   */
  async function runSettlingBeforePingDue(clock: SimClock, ms: number, driver: SessionDriver, pings: number[]) {
    const target = clock.now() + ms;
    const settle = () => until(() => driver.inFlight === 0, 'the exchange to settle');
    while (clock.now() < target) {
      const due = clock.nextDue();
      const next = due === undefined || due > target ? target : due;
      const pingDue = driver.pingDue;
      if (pingDue !== undefined && pingDue <= next) await settle();
      const before = driver.inFlight;
      clock.advanceTo(next);
      if (driver.inFlight > before && driver.pingDue !== undefined) pings.push(clock.now());
      // Anything else (an attempt) settles at its instant, as before.
      else if (driver.inFlight > 0 && driver.pingDue === undefined) await settle();
    }
    await settle();
  }

  it('keeps a healthy connection, pinging at the same instants, when a PINGREQ is settled only before its pingDue', async () => {
    const { clock, proxy } = await setup();
    const { client, driver } = device(proxy.url, clock, 'cgm-11');
    await whenConnected(client);
    // Other work every simulated second (a fleet's telemetry): the loop steps through those instants
    // without waiting, so the PINGRESP is taken in the second before it is due, not when it was sent.
    clockTimer(clock).set(() => {}, 1000);
    const start = clock.now();
    const pings: number[] = [];
    await runSettlingBeforePingDue(clock, 10 * 60_000, driver, pings);
    expect(driver.losses).toBe(0);
    expect(client.connected).toBe(true);
    // Keep-alive 60 s: a PINGREQ every minute from the connect, the answer restarting it from the
    // PINGREQ's instant however late in its half-minute it was taken in.
    expect(pings.map((t) => t - start)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 60_000));
    expect(driver.pingDue).toBeUndefined();
  });

  it('without that, a 50 s window declares a healthy 60 s keep-alive dead (why the settle barrier must wait for inFlight)', async () => {
    const { clock, proxy } = await setup();
    const { client, driver } = device(proxy.url, clock, 'cgm-10');
    await whenConnected(client);
    await run(clock, 10 * 60_000, 50_000);
    expect(driver.losses).toBeGreaterThan(0);
  });

  it('gives up on an attempt with no CONNACK after its connect timeout of simulated time', async () => {
    const { clock, proxy } = await setup();
    proxy.addToxic({ type: 'timeout', name: 'ap', direction: 'downstream' });
    const { driver } = device(proxy.url, clock, 'cgm-03');
    await until(() => proxy.account().accepted === 1, 'the first attempt to reach the proxy');
    await run(clock, 29_000);
    expect(driver.state).toBe('connecting');
    await run(clock, 2_000);
    await until(() => driver.losses === 1, 'the attempt to be abandoned');
    expect(driver.attempts.length).toBeLessThanOrEqual(1);
  });
});
