#!/usr/bin/env node
// The `tidings` command: load TypeScript through tsx, then hand over to the CLI.
// tsx looks for tsconfig.json in the working directory; naming the project's own keeps its JSX settings
// (hono/jsx) when the command is run from anywhere else, as deploy scripts and `npx` from a parent folder do.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../cli/main.ts');
