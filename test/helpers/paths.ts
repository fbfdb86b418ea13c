import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** Tests run from .test-dist/test/…: the repository is three levels up from this helper. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const FIXTURES = join(REPO_ROOT, 'fixtures');
export const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
export const REAL_DUMPS = resolve(REPO_ROOT, '../shared/real-dumps');
export const BIN = join(REPO_ROOT, 'bin/kstale.js');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}
