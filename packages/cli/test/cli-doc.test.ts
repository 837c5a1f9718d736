import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/args.js';
import { renderCliDoc } from '../src/cli-doc.js';
import { runCli } from './helpers.js';

describe('docs/cli.md', () => {
  it('is what the option definitions make (pnpm docs:cli rewrites it)', async () => {
    await expect(renderCliDoc()).toMatchFileSnapshot('../../../docs/cli.md');
  });

  it('lists every option that --help lists', async () => {
    const help = (await runCli(['--help'])).stdout;
    const doc = renderCliDoc();
    for (const name of Object.keys(OPTIONS)) {
      expect(help, name).toContain(`--${name}`);
      expect(doc, name).toContain(`\`--${name}`);
    }
  });
});
