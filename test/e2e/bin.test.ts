import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawnCli } from '../helpers/cli.js';
import { BIN, REPO_ROOT } from '../helpers/paths.js';
import { readAllStdin } from '../../src/cli/io.js';

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

  it('reads a pipe whose writer is slow to start (helm template … | kstale lint -)', async () => {
    const child = spawn(process.execPath, [BIN, 'lint', '-', '-o', 'json'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Nothing to read at first: a non-blocking read would fail with EAGAIN.
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.stdin.end(readFileSync(`${REPO_ROOT}/fixtures/lint/unused-config/fires/unused.yaml`));
    const code = await exited;
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).summary.objects, 1);
  });

  it('stdin: a read that would block is tried again; an error other than that is not swallowed', () => {
    const script = [() => { throw Object.assign(new Error('again'), { code: 'EAGAIN' }); }, (into: Buffer) => into.write('kind: '), () => { throw Object.assign(new Error('again'), { code: 'EAGAIN' }); }, (into: Buffer) => into.write('List'), () => 0];
    const waits: number[] = [];
    assert.equal(readAllStdin((into) => script.shift()!(into), (ms) => waits.push(ms)), 'kind: List');
    assert.deepEqual(waits, [10, 10]);
    assert.throws(() => readAllStdin(() => { throw Object.assign(new Error('bad'), { code: 'EIO' }); }), /bad/);
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
