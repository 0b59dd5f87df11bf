#!/usr/bin/env node
// The published entry point: TypeScript sources run through tsx's loader, so `npx medtwin` works
// straight after `npm ci` with no build step. The package's own tsconfig is named, not looked up from
// the working directory: from anywhere else tsx would compile the TUI's JSX for a React in scope.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/main.ts');
