/**
 * Micro-benchmark of the device-side work per sample, driven the way the fleet's agent drives a device
 * (src/fleet/agent.ts `#sample`): one shared SimClock, a DeviceModel (machine + plant) booted at t=0,
 * then every simulated second `model.sample({ t, measured, conditions, rng })` — the plant advances and
 * the machine hears only the discrete events it returns. No MQTT, no event log.
 *
 *   node --import tsx bench/devices.bench.ts [--rounds 5] [--hours 1] [--devices 20] [--kind infusion-pump]
 *
 * Prints µs per sample for the device model (plant + any machine events + due timers), the machine
 * events per 1,000 samples, and, for the monitor, the physiology alone (VitalsModel.advanceTo + truth +
 * MonitorSensor.measure per signal), each in its own timed pass. Times are process CPU time (all
 * threads, so GC counts; less disturbed by other load than wall time) and wall time. Each round builds
 * fresh devices from the same seed; with other work on the machine, trust the best round more than the median.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { AnyDeviceDescriptor } from '../devices/descriptor.ts';
import { DeviceModel } from '../devices/device-model.ts';
import { infusionPump } from '../devices/infusion-pump/index.ts';
import { patientMonitor } from '../devices/patient-monitor/index.ts';
import { SimClock } from '../src/core/clock.ts';
import { Rng } from '../src/core/rng.ts';
import { MONITOR_SIGNALS, MonitorSensor } from '../src/physiology/monitor-sensor.ts';
import type { MeasuredValues } from '../src/physiology/signals.ts';
import { VitalsModel, drawVitalsBaseline } from '../src/physiology/vitals.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    hours: { type: 'string', default: '1' },
    devices: { type: 'string', default: '20' },
    seed: { type: 'string', default: 'devices-bench' },
    kind: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Math.round(Number(args.hours) * 3600);
const DEVICES = Number(args.devices);
const SEED = args.seed;

// A ward's usual pump programs: maintenance fluids, insulin, heparin, a vasopressor.
const PUMP_PROFILES = [
  { drug: 'normal-saline', rate: 100, vtbi: 1000 },
  { drug: 'insulin', doseRate: 2, vtbi: 100 },
  { drug: 'heparin', doseRate: 1000, vtbi: 250 },
  { drug: 'norepinephrine', doseRate: 8, vtbi: 250 },
  // Finishes within the hour, so KVO and the completion alarms are part of the mix.
  { drug: 'normal-saline', rate: 200, vtbi: 150 },
];

/** One pass of the run: wall time and process CPU time (user + system, all threads, so GC counts). */
interface Cost {
  wallNs: number;
  cpuUs: number;
}

function timed(fn: () => void): Cost {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  fn();
  const wallNs = Number(process.hrtime.bigint() - wall0);
  const cpu = process.cpuUsage(cpu0);
  return { wallNs, cpuUs: cpu.user + cpu.system };
}

/**
 * What each monitor measures each second, computed ahead in its own timed pass so the machine pass
 * times the machine alone: per bed a VitalsModel and a MonitorSensor on the bed's own streams.
 */
function monitorPhysiology(): { measured: MeasuredValues[][]; cost: Cost } {
  const measured: MeasuredValues[][] = [];
  const beds = Array.from({ length: DEVICES }, (_, i) => {
    const rng = new Rng(SEED).fork(`patient-monitor-${i}`);
    const vitals = new VitalsModel(rng.fork('vitals'), drawVitalsBaseline(rng.fork('baseline')));
    // A quarter of the beds have something happen during the hour, so limit alarms are exercised.
    if (i % 4 === 1) vitals.schedule({ type: 'tachycardia', at: '10m', duration: '15m' });
    if (i % 4 === 3) vitals.schedule({ type: 'desaturation', at: '20m', duration: '10m', spo2: 82 });
    return { vitals, sensor: new MonitorSensor(rng.fork('monitor')) };
  });
  const cost = timed(() => {
    for (let s = 1; s <= SECONDS; s++) {
      const t = s * 1000;
      const row: MeasuredValues[] = [];
      for (const { vitals, sensor } of beds) {
        vitals.advanceTo(t);
        const truth = vitals.truth();
        const out: MeasuredValues = {};
        for (const signal of MONITOR_SIGNALS) out[signal] = sensor.measure(signal, truth[signal]);
        row.push(out);
      }
      measured.push(row);
    }
  });
  return { measured, cost };
}

/** Runs `DEVICES` devices of kind `d` for `SECONDS` simulated seconds; `measuredAt(s, i)` feeds them. */
function machinePass(d: AnyDeviceDescriptor, profile: (i: number) => unknown, measuredAt: (s: number, i: number) => MeasuredValues) {
  const clock = new SimClock();
  const count = { emitted: 0, events: 0 };
  const beds = Array.from({ length: DEVICES }, (_, i) => {
    const id = `${d.kind}-${i}`;
    const rng = new Rng(SEED).fork(id);
    const model = new DeviceModel(d, { id, profile: profile(i), clock, rng, onEmitted: () => void count.emitted++ });
    // Count what reaches the machine: the plant's events (the machine's own timers are not counted).
    const sample = model.plant.sample.bind(model.plant);
    model.plant.sample = (snapshot, input) => {
      const events = sample(snapshot, input);
      count.events += events.length;
      return events;
    };
    model.start();
    return { model, rng: rng.fork('sample') };
  });
  const cost = timed(() => {
    for (let s = 1; s <= SECONDS; s++) {
      const t = s * 1000;
      // Due machine timers (self-test end, alarm persistence) fire first, as they do in the fleet.
      clock.advanceTo(t);
      for (let i = 0; i < beds.length; i++) {
        const { model, rng } = beds[i]!;
        model.sample({ t, measured: measuredAt(s, i), conditions: {}, rng });
      }
    }
  });
  return { cost, emitted: count.emitted, events: count.events };
}

const samples = DEVICES * SECONDS;
const perThousand = (events: number) => ((1000 * events) / samples).toFixed(2);
const perSample = (c: Cost) => ({ wall: c.wallNs / 1000 / samples, cpu: c.cpuUs / samples });
const fmt = (x: number) => x.toFixed(2).padStart(7);

function report(label: string, costs: Cost[]): void {
  const per = costs.map(perSample);
  const best = (k: 'wall' | 'cpu') => Math.min(...per.map((p) => p[k]));
  const median = (k: 'wall' | 'cpu') => per.map((p) => p[k]).sort((a, b) => a - b)[Math.floor(per.length / 2)]!;
  console.log(
    `  ${label.padEnd(11)} µs/sample  cpu best ${fmt(best('cpu'))} median ${fmt(median('cpu'))}   wall best ${fmt(best('wall'))} median ${fmt(median('wall'))}`,
  );
}

function benchPump(): void {
  const costs: Cost[] = [];
  let run: ReturnType<typeof machinePass> | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    run = machinePass(
      infusionPump as AnyDeviceDescriptor,
      (i) => PUMP_PROFILES[i % PUMP_PROFILES.length],
      () => ({}),
    );
    costs.push(run.cost);
  }
  console.log(`infusion-pump (${run!.emitted} emitted events, ${perThousand(run!.events)} machine events per 1,000 samples)`);
  report('model', costs);
}

function benchMonitor(): void {
  const machine: Cost[] = [];
  const physiology: Cost[] = [];
  let run: ReturnType<typeof machinePass> | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const patients = monitorPhysiology();
    physiology.push(patients.cost);
    run = machinePass(
      patientMonitor as AnyDeviceDescriptor,
      () => ({ monitoring: true }),
      (s, i) => patients.measured[s - 1]![i]!,
    );
    machine.push(run.cost);
  }
  console.log(`patient-monitor (${run!.emitted} emitted events, ${perThousand(run!.events)} machine events per 1,000 samples)`);
  report('model', machine);
  report('physiology', physiology);
}

console.log(
  `seed ${SEED}; ${DEVICES} devices × ${SECONDS} s = ${samples} samples per round, ${ROUNDS} rounds; ` +
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
);
if (args.kind === undefined || args.kind === 'infusion-pump') benchPump();
if (args.kind === undefined || args.kind === 'patient-monitor') benchMonitor();
