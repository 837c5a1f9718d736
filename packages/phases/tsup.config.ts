import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/internal.ts'],
  format: 'esm',
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // d3-array bundled: only its bisector is used, and importing the package cost ~11 ms of the
  // CLI's start-up (bench: start-up row).
  noExternal: ['d3-array'],
});
