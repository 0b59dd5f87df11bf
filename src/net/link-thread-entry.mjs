// Entry point of the link thread (link-thread.ts): a worker does not inherit the TypeScript loader
// the CLI installs on the main thread, so it installs its own before loading the TypeScript module.
import { register } from 'tsx/esm/api';

register();
await import('./link-thread.ts');
