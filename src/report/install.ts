import yaml from 'js-yaml';

export type InstallOptions = Readonly<{
  image: string;
  namespace: string;
  /** metadata: kstale may list and watch Secrets (it asks for metadata only); none: it may not */
  secrets: 'metadata' | 'none';
  prometheusRule: boolean;
  /** run `kstale watch --restart-after` with this duration, and grant what it writes */
  restartAfter?: string;
  /** keep the value timeline in this ConfigMap of the namespace (kstale watch --timeline), and grant what that writes */
  timeline?: string;
  /** print the Namespace too (the default: a fresh cluster has none) */
  createNamespace: boolean;
  /** judge Secrets by their values too (kstale watch --secret-values): list/watch of whole Secrets */
  secretValues?: boolean;
}>;

/** The shards a timeline may grow to (NAME, NAME-1 …): RBAC names each one. */
const TIMELINE_SHARDS = 10;

const NAME = 'kstale';
const LABELS = { 'app.kubernetes.io/name': 'kstale', 'app.kubernetes.io/component': 'watch' };
const METRICS_PORT = 9090;

/** What `kstale watch` lists and watches (DESIGN.md section 4), and nothing it does not. */
function readRules(secrets: InstallOptions['secrets']): Record<string, unknown>[] {
  const verbs = ['list', 'watch'];
  return [
    { apiGroups: [''], resources: ['pods', 'configmaps', 'serviceaccounts', 'replicationcontrollers', ...(secrets === 'metadata' ? ['secrets'] : [])], verbs },
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs },
    { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs },
    // A bare ReplicaSet (no controller) is read whole once; Reloader's Deployment is read to see that it runs.
    { apiGroups: ['apps'], resources: ['replicasets', 'deployments'], verbs: ['get'] },
  ];
}

/**
 * The manifests that run `kstale watch -A` in a cluster: a ServiceAccount with a least-privilege
 * ClusterRole (list and watch only), one replica, non-root with a read-only root filesystem, a
 * Service for Prometheus, and, when asked, a PrometheusRule with the alerts of the README.
 */
export function installManifests(options: InstallOptions): string {
  const namespace = options.namespace;
  const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace } : {}), labels: LABELS });
  const role = (name: string, rules: Record<string, unknown>[]) => [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(name, false), rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(name, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
    },
  ];
  const restartArgs = options.restartAfter ? ['--restart-after', options.restartAfter, '--yes'] : [];
  const timelineArgs = options.timeline ? ['--timeline', `${namespace}/${options.timeline}`] : [];
  const timelineNames = options.timeline ? [options.timeline, ...Array.from({ length: TIMELINE_SHARDS - 1 }, (_, index) => `${options.timeline}-${index + 1}`)] : [];
  const objects: Record<string, unknown>[] = [
    ...(options.createNamespace ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: LABELS } }] : []),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NAME) },
    // The value timeline: one ConfigMap (and its shards) in kstale's own namespace. RBAC cannot name
    // an object for create, so create is granted on ConfigMaps of this namespace only.
    ...(options.timeline ? [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(`${NAME}-timeline`), rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
        { apiGroups: [''], resources: ['configmaps'], resourceNames: timelineNames, verbs: ['get', 'update'] },
      ] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(`${NAME}-timeline`), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${NAME}-timeline` }, subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }] },
    ] : []),
    ...role(`${NAME}-watch`, readRules(options.secrets)),
    // What `kubectl rollout restart` needs: the patch, and get to re-read after a 409.
    ...(options.restartAfter ? role(`${NAME}-restart`, [
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['get', 'patch'] },
      { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: ['get', 'patch'] },
    ]) : []),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(NAME),
      spec: {
        replicas: 1,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(METRICS_PORT) } },
          spec: {
            serviceAccountName: NAME,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'kstale',
                image: options.image,
                args: ['watch', '-A', '--metrics-addr', `:${METRICS_PORT}`, '-o', 'json', ...timelineArgs, ...(options.secretValues ? ['--secret-values'] : []), ...restartArgs],
                ports: [{ name: 'metrics', containerPort: METRICS_PORT }],
                readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' }, periodSeconds: 10 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 20 },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(NAME),
      spec: { selector: LABELS, ports: [{ name: 'metrics', port: METRICS_PORT, targetPort: 'metrics' }] },
    },
  ];
  if (options.prometheusRule) {
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta(NAME),
      spec: {
        groups: [
          {
            name: 'kstale',
            rules: [
              {
                alert: 'KstaleStaleConfig',
                expr: 'max by (namespace, kind, workload) (kstale_stale_since_seconds) > 1800 unless on (namespace, kind, workload) (kstale_stale_references{protected_by!=""})',
                for: '5m',
                labels: { severity: 'warning' },
                annotations: {
                  summary: '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.workload }} has run with stale config for more than 30 minutes',
                  description: 'Its pods started before a ConfigMap or Secret they read through env, envFrom or subPath last changed. `kstale who-uses` / `kstale restart --affected -n {{ $labels.namespace }}`.',
                },
              },
              {
                alert: 'KstaleMissingRequiredConfig',
                expr: 'kstale_missing_references{required="true"} > 0',
                for: '5m',
                labels: { severity: 'critical' },
                annotations: {
                  summary: '{{ $labels.config_kind }} {{ $labels.namespace }}/{{ $labels.config }} {{ with $labels.key }}key {{ . }} {{ end }}is missing while running pods read it',
                  description: 'The pods still run with old values; a restart would fail (CreateContainerConfigError). Restore the config or key before anything restarts them.',
                },
              },
            ],
          },
        ],
      },
    });
  }
  return objects.map((object) => `---\n${object.kind === 'PrometheusRule' ? '# needs the PrometheusRule CRD of prometheus-operator: without it, apply the rest (drop --prometheus-rule)\n' : ''}${yaml.dump(object, { lineWidth: -1, noRefs: true })}`).join('');
}
