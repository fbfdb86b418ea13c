import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';

/** A `kstale` on PATH, as an installed package would put it, for the scripts to call back. */
function kstaleOnPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstale-bin-'));
  writeFileSync(join(dir, 'kstale'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'kstale'), 0o755);
  return dir;
}

describe('[E] shell completion', () => {
  let script: string;
  let path: string;
  before(async () => {
    script = (await runCli(['completion', 'bash'])).stdout;
    path = `${kstaleOnPath()}:${process.env.PATH ?? ''}`;
  });

  /** Runs the bash script's completion function for a command line (the last word being completed). */
  const completeInBash = (words: string[], cursor = words.length - 1) => {
    const file = join(mkdtempSync(join(tmpdir(), 'kstale-completion-')), 'kstale.bash');
    writeFileSync(file, script);
    const line = words.map((word) => `'${word}'`).join(' ');
    const program = `source "${file}"; COMP_WORDS=(${line}); COMP_CWORD=${cursor}; _kstale; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['-c', program], { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: path, HOME: '/nonexistent-home' } });
    return result.stdout.split('\n').filter(Boolean);
  };

  it('the scripts load: bash -n, and zsh/fish print their own', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kstale-completion-')), 'kstale.bash');
    writeFileSync(file, script);
    assert.equal(spawnSync('bash', ['-n', file]).status, 0);
    const zsh = (await runCli(['completion', 'zsh'])).stdout;
    const fish = (await runCli(['completion', 'fish'])).stdout;
    assert.match(zsh, /^#compdef kstale/);
    assert.match(fish, /complete -c kstale -f -a '\(__kstale_complete\)'/);
    // Where those shells are installed, their own parsers check the scripts too.
    for (const [shell, text] of [['zsh', zsh], ['fish', fish]] as const) {
      if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0) continue;
      const file = join(mkdtempSync(join(tmpdir(), 'kstale-completion-')), `kstale.${shell}`);
      writeFileSync(file, text);
      assert.equal(spawnSync(shell, ['-n', file]).status, 0, `${shell} -n`);
    }
    assert.equal((await runCli(['completion', 'tcsh'])).code, 2);
  });

  it('completes commands, flags and -o values per command', () => {
    assert.deepEqual(completeInBash(['kstale', 'a']), ['audit', 'auth']);
    assert.ok(completeInBash(['kstale', 'audit', '--se']).includes('--selector'));
    assert.deepEqual(completeInBash(['kstale', 'audit', '-o', '']), ['table', 'wide', 'json', 'yaml', 'dot', 'mermaid']);
    assert.deepEqual(completeInBash(['kstale', 'lint', '-o', '']), ['table', 'json', 'sarif', 'github', 'junit']);
  });

  it('completes rule ids, config names from the -f files, and contexts from the kubeconfig', () => {
    assert.deepEqual(completeInBash(['kstale', 'lint', '--explain', 'missing-']), ['missing-config', 'missing-key']);
    assert.deepEqual(completeInBash(['kstale', 'who-uses', '-f', 'fixtures/demo/manifests', 'secret/']), ['secret/db-credentials', 'secret/provider-api-key', 'secret/registry-cred']);
    // -f typed after the cursor: `kstale who-uses secret/<TAB> -f DIR`
    assert.deepEqual(completeInBash(['kstale', 'who-uses', 'secret/', '-f', 'fixtures/demo/manifests'], 2), ['secret/db-credentials', 'secret/provider-api-key', 'secret/registry-cred']);
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kstale-kubeconfig-')), 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: prod-eu\n  context: {cluster: c, user: u}\n- name: prod-us\n  context: {cluster: c, user: u}\n- name: staging\n  context: {cluster: c, user: u}\n');
    assert.deepEqual(completeInBash(['kstale', 'audit', '--kubeconfig', kubeconfig, '--context', 'prod']), ['prod-eu', 'prod-us']);
  });

  it('kubectl stale <TAB>: bin/kubectl_complete-stale answers in Cobra\'s format', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kubectl_complete-stale'), 'who'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(result.stdout, 'who-uses\n:4\n');
  });
});
