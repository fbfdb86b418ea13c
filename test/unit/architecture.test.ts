import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

type Rule = { from: string; forbid: RegExp; why: string };

/** The pipeline runs one way (DESIGN.md section 7); each rule says why. */
const RULES: Rule[] = [
  { from: 'src/model/', forbid: /^(node:|\.\.\/(?!model\/)|[a-z@])/, why: 'the model is plain types with no dependencies' },
  { from: 'src/extract/', forbid: /^(node:|\.\.\/(sources|graph|analyses|report|cli|actions)\/|chalk|cli-table3|@kubernetes)/, why: 'extraction is pure: it reads objects, nothing else' },
  { from: 'src/graph/', forbid: /^(node:|\.\.\/(sources|analyses|report|cli|actions)\/|chalk|cli-table3|@kubernetes)/, why: 'the graph is pure and knows nothing of sources or output' },
  { from: 'src/analyses/', forbid: /^(node:|\.\.\/(sources|report|cli|actions)\/|chalk|cli-table3|@kubernetes)/, why: 'analyses are pure: now is passed in, nothing is read or written' },
  { from: 'src/report/', forbid: /^(node:|\.\.\/(sources|cli|actions)\/|@kubernetes)/, why: 'renderers turn results into strings and never write' },
  { from: 'src/sources/', forbid: /^(\.\.\/\.\.\/(graph|analyses|report|cli|actions)\/|chalk|cli-table3)/, why: 'sources read objects and do not know what is done with them' },
];

const STATIC_IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm;
const CLIENT_NODE = /['"]@kubernetes\/client-node['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('[U] architecture: import boundaries of DESIGN.md section 7', () => {
  const files = sourceFiles(join(REPO_ROOT, 'src')).map((path) => ({ path: relative(REPO_ROOT, path), text: readFileSync(path, 'utf8') }));

  for (const rule of RULES) {
    it(`${rule.from}: ${rule.why}`, () => {
      const offences = files
        .filter((file) => file.path.startsWith(rule.from))
        .flatMap((file) => [...file.text.matchAll(STATIC_IMPORT)].map((match) => match[1]!).filter((target) => rule.forbid.test(target)).map((target) => `${file.path} imports ${target}`));
      assert.deepEqual(offences, []);
    });
  }

  it('only src/sources/cluster and src/actions use @kubernetes/client-node, and only through a lazy import()', () => {
    const offences = files
      .filter((file) => CLIENT_NODE.test(file.text))
      .filter((file) => !/^src\/(sources\/cluster|actions)\//.test(file.path) || /^\s*import\s[^(]*['"]@kubernetes\/client-node['"]/m.test(file.text.replace(/^\s*import type .*$/gm, '')))
      .map((file) => file.path);
    assert.deepEqual(offences, []);
  });

  it('only src/report and src/cli import chalk or cli-table3', () => {
    const offences = files.filter((file) => /from ['"](chalk|cli-table3)['"]/.test(file.text) && !/^src\/(report|cli)\//.test(file.path)).map((file) => file.path);
    assert.deepEqual(offences, []);
  });

  it('the pure core reads no clock, environment or terminal', () => {
    const offences = files
      .filter((file) => /^src\/(model|extract|graph|analyses|report)\//.test(file.path))
      .filter((file) => /Date\.now\(|new Date\(\)|process\.env|isTTY|process\.stdout/.test(file.text))
      .map((file) => file.path);
    assert.deepEqual(offences, []);
  });
});
