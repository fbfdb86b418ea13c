import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

/** Tests run from .test-dist/test/…: the repository is three levels up from this helper. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const FIXTURES = join(REPO_ROOT, 'fixtures');
export const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
/**
 * The real API server dump: ../shared/real-dumps when it is beside the clone (CI), else its copy
 * shipped as the demo (fixtures/demo/cluster-dump.json is that file, byte for byte).
 */
export const REAL_DUMPS = existsSync(resolve(REPO_ROOT, '../shared/real-dumps/demo-cluster.json')) ? resolve(REPO_ROOT, '../shared/real-dumps') : join(REPO_ROOT, 'fixtures/demo');
export const REAL_DUMP_FILE = existsSync(join(REAL_DUMPS, 'demo-cluster.json')) ? join(REAL_DUMPS, 'demo-cluster.json') : join(REAL_DUMPS, 'cluster-dump.json');

/** For describe(): a skip with one line naming what is missing, when a folder of ../shared is not beside this clone. */
export function needsShared(path: string): { skip: string | false } {
  return { skip: existsSync(path) ? false : `needs ${path} (../shared is not beside this clone): skipped` };
}
export const BIN = join(REPO_ROOT, 'bin/kstale.js');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}
