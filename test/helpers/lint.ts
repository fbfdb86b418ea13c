import { matchesExternal, parseExternalPattern } from '../../src/analyses/lint/external.js';
import { runLint, type LintReport, type LintSelection } from '../../src/analyses/lint/run-lint.js';
import { buildGraph } from '../../src/graph/build.js';
import { loadManifests } from '../../src/sources/manifests/index.js';

export function lintPaths(paths: string[], options: Partial<LintSelection> & { kubeVersion?: [number, number]; external?: string[] } = {}): LintReport {
  const { objects, problems } = loadManifests(paths, { defaultNamespace: 'default' });
  const built = buildGraph(objects, { type: 'manifests', paths, now: '2026-11-24T16:00:00Z' });
  const patterns = (options.external ?? []).map((text) => parseExternalPattern(text)!);
  return runLint(
    { built, problems, kubeVersion: options.kubeVersion ?? null, isExternal: (config) => matchesExternal(patterns, config) },
    { disable: options.disable ?? [], enable: options.enable ?? [], failOn: options.failOn ?? 'error' },
  );
}
