// The entry of the link-signing thread when running from source: a new thread does not inherit the TypeScript
// loader of the process that started it, so it registers tsx itself (the compiled build has its own entry).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./signing-thread.ts');
