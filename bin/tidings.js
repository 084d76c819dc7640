#!/usr/bin/env node
// The `tidings` command: load TypeScript through tsx, then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
