import { fileURLToPath } from 'node:url';

/** The package's own scenarios/ folder (built-in scenarios), wherever medtwin is installed. */
export const BUILTIN_SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** The scenario `npm start`, `medtwin` and `medtwin tui` open when given none. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/ward.yaml', import.meta.url));
