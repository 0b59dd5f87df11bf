import { render } from 'ink-testing-library';
import { App } from './components/App.tsx';
import { RunController } from './controller.ts';
import { TuiStore } from './store.ts';
import { ev, FakeRun } from './testing/fake-run.ts';
import { drift } from '../inject/sensor/drift.ts';
import { firmwareHang } from '../inject/device/firmware-hang.ts';
import { createTheme, ThemeProvider } from './theme.tsx';

const cols = Number(process.argv[2] ?? 80), rows = Number(process.argv[3] ?? 24);
const devices: [string, any, string][] = [];
for (let i = 1; i <= Number(process.argv[4] ?? 4); i++) { devices.push([`cgm-00${i}`, 'cgm', 'icu'], [`monitor-00${i}`, 'patient-monitor', 'icu'], [`pump-00${i}`, 'infusion-pump', 'ward']); }
const run = new FakeRun({ devices, inject: true, faults: { 'sensor.drift': drift, 'device.firmware-hang': firmwareHang }, timeline: [{ fault: 'sensor.drift', at: 3_600_000, target: { kind: 'cgm', count: 1 }, params: {} } as any],
  expectations: [{ name: 'occlusion detected', type: 'detection', passed: true, measured: 12000, threshold: '<= 300000 ms', message: '', evidence: [] }, { name: 'cgm mard', type: 'metric', passed: false, measured: 14.2, threshold: '<= 12', message: '', evidence: [] }] });
await run.open();
const store = new TuiStore(run, { expectationsEvery: 1 });
store.attach();
const events = [];
for (let t = 300_000; t <= 3_000_000; t += 300_000) events.push(ev(t, 'cgm-001', 'telemetry', { body: { state: 'active', glucose: Math.round(120 + 40 * Math.sin(t / 600_000)), trend: 'flat' }, truth: { glucose: 118 + 38 * Math.sin(t / 600_000) } }));
events.push(ev(1000, 'pump-001', 'state.changed', { from: 'idle', to: 'infusing' }));
events.push(ev(60000, 'pump-002', 'alarm.raised', { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Downstream occlusion' } }));
events.push(ev(60000, 'cgm-002', 'alarm.raised', { alarm: { code: 'glucose.low', priority: 'medium', message: 'Low glucose' } }));
events.push(ev(70000, 'twin', 'twin.stale', { device: 'monitor-002' }));
events.push(ev(80000, 'injector', 'fault.injected', { id: 'x', fault: 'sensor.drift', category: 'sensor', device: 'cgm-001', params: { rate: 10 } }));
run.emitEvents(events.sort((a, b) => a.t - b.t));
run.setStatus({ simMs: 3_000_000 });
store.flush();
const c = new RunController(run);
const r = render(<ThemeProvider theme={createTheme(true)}><App store={store} controller={c} size={{ columns: cols, rows }} /></ThemeProvider>);
const show = (label: string) => { console.log(`===== ${label}`); console.log(r.lastFrame()); };
show('overview');
const keys = (process.argv[5] ?? '').split(',').filter(Boolean);
for (const k of keys) { const map: Record<string,string> = { enter: '\r', esc: '\x1b', down: '\x1b[B', up: '\x1b[A', right: '\x1b[C', left: '\x1b[D' }; r.stdin.write(map[k] ?? k); await new Promise((res) => setImmediate(res)); await new Promise((res) => setTimeout(res, 30)); show(k); }
r.unmount();
process.exit(0);
