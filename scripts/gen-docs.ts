// Regenerates the device documentation in docs/devices.md and the README from the descriptors.
import { readFileSync, writeFileSync } from 'node:fs';
import { DEVICES } from '../devices/index.ts';
import { renderDeviceDocs, spliceDeviceDocs } from '../src/cli/device-docs.ts';
import { renderAttackCatalogue, spliceAttackCatalogue } from '../src/defense/attacks/catalogue-docs.ts';

const docs = renderDeviceDocs(Object.values(DEVICES));
const header = [
  '# Device models',
  '',
  'Generated from the descriptors in devices/*/index.ts by `npm run docs`; `medtwin list devices` prints the same.',
  '',
  'Every kind is a machine beside a plant, the split of a hybrid automaton (simglucose keeps patient, sensor and pump apart ' +
    'the same way). The machine (xstate v5, `devices/<kind>/machine.ts`) holds the discrete modes, the commands and their ' +
    'acknowledgements, the announced alarms and the timers. The plant (`devices/<kind>/plant.ts`) is plain, seeded code holding ' +
    'the continuous quantities; the fleet advances it at every sample, and it tells the machine only the discrete events that ' +
    'change its mode. `devices/device-model.ts` couples the two: a plant event goes to the machine, and whatever moves the ' +
    'machine (a plant event, a command, a timer) is followed by the plant at that instant. The plant lives as long as the device: ' +
    'a reboot restarts the machine, not the battery, the line or the sensor.',
  '',
  'Every command is answered once, by `command.accepted` (an optional `detail`) or `command.rejected` with a dotted `code` ' +
    '(`state.invalid`, `alarm.not-active`, `value.out-of-range`, `ders.hard-limit`...) and a `reason` worded `cannot <command>: ...`; ' +
    'it echoes the `commandId` it carried. A boot profile is programmed through the same commands with `commandId: profile`. Every ' +
    'kind boots with `device.power-on`.',
  '',
  '',
].join('\n');
writeFileSync(new URL('../docs/devices.md', import.meta.url), header + docs);
const readmeUrl = new URL('../README.md', import.meta.url);
// The README keeps the reference tables; how each kind is modelled, with its sources, is in docs/devices.md.
writeFileSync(readmeUrl, spliceDeviceDocs(readFileSync(readmeUrl, 'utf8'), renderDeviceDocs(Object.values(DEVICES), { model: false })));
console.log('wrote docs/devices.md and the README device section');

const attacksUrl = new URL('../docs/attacks.md', import.meta.url);
writeFileSync(attacksUrl, spliceAttackCatalogue(readFileSync(attacksUrl, 'utf8'), renderAttackCatalogue()));
console.log('wrote the generated catalogue of docs/attacks.md');
