#!/usr/bin/env node
// The published entry point: TypeScript sources run through tsx's loader, so `npx medtwin` works
// straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
