import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCli } from '../helpers/cli.js';

describe('[E] bin/kstale.js as a user runs it', () => {
  it('bad input: one line per problem, the good documents still answered, exit 2, no stack trace', () => {
    const run = spawnCli(['graph', '-f', 'fixtures/bad-input/one-bad-document.yaml', '-f', 'fixtures/bad-input/helm-template.yaml', '-o', 'json']);
    assert.equal(run.code, 2);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.equal(lines[0], 'kstale: error: fixtures/bad-input/one-bad-document.yaml:11: invalid YAML/JSON: bad indentation of a mapping entry');
    assert.match(lines[1]!, /^kstale: error: fixtures\/bad-input\/helm-template.yaml:4: looks like an unrendered Helm template \(.*\): render it first: helm template … \| kstale … -f -$/);
    assert.deepEqual(JSON.parse(run.stdout).configs.map((config: { name: string }) => config.name), ['first-good', 'second-good']);
  });

  it('a path that does not exist exits 2 with one line', () => {
    const run = spawnCli(['who-uses', 'cm/x', '-f', 'no/such/dir']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'kstale: error: no/such/dir: the path does not exist\nkstale: error: no input could be read\n  hint: see the errors above\n');
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('kubectl-stale is the same program under the kubectl plugin name', () => {
    const run = spawnCli(['--help'], { bin: 'bin/kubectl-stale.js' });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /who-uses/);
  });

  it('NO_COLOR output has no escapes even when graph wraps', () => {
    const run = spawnCli(['graph', '-f', 'fixtures/graph/app.yaml']);
    assert.equal(run.code, 0);
    assert.doesNotMatch(run.stdout, /\u001b\[/);
  });
});
