import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index') => fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling packages, so no build is needed to test.
    alias: [
      { find: /^@strace-gaps\/parser$/, replacement: src('parser') },
      { find: /^@strace-gaps\/parser\/internal$/, replacement: src('parser', 'internal') },
      { find: /^@strace-gaps\/phases$/, replacement: src('phases') },
      { find: /^@strace-gaps\/phases\/internal$/, replacement: src('phases', 'internal') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
