// Regenerates the device documentation in docs/devices.md and the README from the descriptors.
import { readFileSync, writeFileSync } from 'node:fs';
import { DEVICES } from '../devices/index.ts';
import { renderDeviceDocs, spliceDeviceDocs } from '../src/cli/device-docs.ts';

const docs = renderDeviceDocs(Object.values(DEVICES));
const header =
  '# Device models\n\nGenerated from the descriptors in devices/*/index.ts by `npm run docs`; `medtwin list devices` prints the same.\n\n';
writeFileSync(new URL('../docs/devices.md', import.meta.url), header + docs);
const readmeUrl = new URL('../README.md', import.meta.url);
writeFileSync(readmeUrl, spliceDeviceDocs(readFileSync(readmeUrl, 'utf8'), docs));
console.log('wrote docs/devices.md and the README device section');
