import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', worker: 'src/worker.ts' },
  format: 'esm',
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // yargs (and its parser, cliui, y18n, …) bundled: importing its many files cost ~100 ms of a
  // start-up that should be Node's own plus a little (bench: start-up row). fast-glob stays
  // external; it is imported only when an argument is a glob.
  noExternal: ['yargs'],
});
