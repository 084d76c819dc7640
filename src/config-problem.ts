// One thing wrong with the environment: the variable and, in words, what is wrong and what would do.
// Its own file so the schema's parts (env.ts, env-auth.ts) can share it without importing each other.
export interface ConfigProblem {
  variable: string;
  problem: string;
}
