import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
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

/**
 * Runs `use` on a temporary `git worktree` of `ref` (detached), with a function that maps a path
 * of the current checkout to the same path in that worktree; the worktree is removed afterwards.
 * For what cannot be read file by file: a kustomize overlay rendered as it was at `ref`.
 */
export function withWorktreeAt<T>(ref: string, cwd: string, use: (pathAtRef: (path: string) => string) => T): T {
  const top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  git(['rev-parse', '--verify', `${ref}^{commit}`], cwd);
  const dir = mkdtempSync(join(tmpdir(), 'kstale-worktree-'));
  git(['worktree', 'add', '--detach', '--quiet', dir, ref], top);
  try {
    return use((path) => join(dir, relative(top, resolve(cwd, path))));
  } finally {
    git(['worktree', 'remove', '--force', dir], top);
    rmSync(dir, { recursive: true, force: true });
  }
}
