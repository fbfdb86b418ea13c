// Runs every compiled test file with node's test runner. Node 20 runs nothing for a directory
// argument and expands no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../.test-dist/test/', import.meta.url).pathname;

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return findTests(path);
      return entry.name.endsWith('.test.js') ? [path] : [];
    });
}

const files = findTests(root);
if (files.length === 0) {
  console.error('run-tests: no compiled test files under .test-dist/test: did tsc -p test/tsconfig.json run?');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
