/**
 * A running stakater/Reloader as a cluster shows it: the reloader-meta-info ConfigMap it publishes
 * (pkg/common/metainfo.go) and its Deployment with a ready pod. Options are Reloader's
 * ReloaderOptions JSON fields; `args` and `env` go on its container.
 */
export function reloaderObjects(options: { namespace?: string; reloaderOptions?: Record<string, unknown>; args?: string[]; env?: unknown[]; readyReplicas?: number } = {}): Record<string, unknown>[] {
  const namespace = options.namespace ?? 'reloader';
  const reloaderOptions = { autoReloadAll: false, reloaderAutoAnnotation: 'reloader.stakater.com/auto', namespacesToIgnore: [], resourcesToIgnore: [], workloadTypesToIgnore: [], isArgoRollouts: false, webhookUrl: '', ...options.reloaderOptions };
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'reloader-meta-info', namespace, labels: { 'reloader.stakater.com/meta-info': 'reloader' } },
      data: {
        buildInfo: JSON.stringify({ goVersion: 'go1.24', releaseVersion: 'v1.4.21', commitHash: 'x', commitTime: '2026-01-01T00:00:00Z' }),
        reloaderOptions: JSON.stringify(reloaderOptions),
        deploymentInfo: JSON.stringify({ name: 'reloader-reloader', namespace }),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reloader-reloader', namespace },
      spec: { replicas: 1, selector: { matchLabels: { app: 'reloader' } }, template: { metadata: { labels: { app: 'reloader' } }, spec: { containers: [{ name: 'reloader', image: 'ghcr.io/stakater/reloader:v1.4.21', args: options.args ?? [], env: options.env ?? [] }] } } },
      status: { replicas: 1, readyReplicas: options.readyReplicas ?? 1, availableReplicas: options.readyReplicas ?? 1 },
    },
  ];
}
