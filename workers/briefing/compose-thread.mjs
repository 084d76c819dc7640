// The entry of a compose thread: a new thread does not inherit the TypeScript loader of the process that started
// it, so it registers tsx itself before loading the composing code.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import('./compose-thread.ts');
