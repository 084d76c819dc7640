// Which code this process runs: the compiled build in dist/ or the TypeScript source through tsx.
// bin/tidings.js decides and says so in TIDINGS_BUILD; anything started another way (tests, scripts) runs the source.
export type BuildKind = 'compiled' | 'source';

export function runningBuild(): BuildKind {
  return process.env.TIDINGS_BUILD === 'compiled' ? 'compiled' : 'source';
}

/** For banners and doctor: what runs, and why the source when it is the source. */
export function describeBuild(): string {
  if (runningBuild() === 'compiled') return 'compiled (dist/, from `npm run build`)';
  return process.env.TIDINGS_FROM_SOURCE === '1'
    ? 'from source through tsx (TIDINGS_FROM_SOURCE=1)'
    : 'from source through tsx (dist/ is missing or older than the source; `npm run build` compiles it)';
}
