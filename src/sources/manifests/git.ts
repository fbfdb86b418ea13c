import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { KstaleError } from '../../model/errors.js';

const MANIFEST = /\.(ya?ml|json)$/i;

function git(args: readonly string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new KstaleError('input', `git ${args.join(' ')} failed: ${stderr || (error as Error).message}`, { hint: 'run inside a git work tree, with the ref fetched (actions/checkout: fetch-depth: 0)' });
  }
}

/**
 * The manifests under `paths` as they were at `ref` (`git show REF:path`), so a CI job compares a
 * pull request with its base without a second checkout. Files that did not exist then are absent.
 */
export function readManifestsAtRef(ref: string, paths: readonly string[], cwd: string): { name: string; text: string }[] {
  const top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  git(['rev-parse', '--verify', `${ref}^{commit}`], cwd);
  const inRepo = paths.filter((path) => path !== '-').map((path) => relative(top, resolve(cwd, path)) || '.');
  const listed = git(['ls-tree', '-r', '--name-only', ref, '--', ...inRepo], top).split('\n').filter((file) => MANIFEST.test(file));
  return listed.map((file) => ({ name: `${ref}:${file}`, text: git(['show', `${ref}:${file}`], top) }));
}
