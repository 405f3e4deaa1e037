import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withReference } from './write-readme-reference';

describe('README.md', () => {
  it('documents every slurm.json field exactly as the schema does (npm run docs rewrites it)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toBe(withReference(readme));
  });
});
