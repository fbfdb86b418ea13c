/**
 * Which API versions serve the kinds kstale reads (Kubernetes 1.32), and which old ones were
 * removed and when (the Kubernetes deprecated API migration guide). One rule for every kind: a
 * missing or unserved apiVersion is refused by the API server (kubectl: "no matches for kind");
 * a removed one is read, with the release that removed it.
 */

type Row = Readonly<{ served: readonly string[]; removed: Readonly<Record<string, string>> }>;

const APPS_REMOVED = { 'apps/v1beta1': '1.16', 'apps/v1beta2': '1.16', 'extensions/v1beta1': '1.16' };

const TABLE: Readonly<Record<string, Row>> = {
  ConfigMap: { served: ['v1'], removed: {} },
  Secret: { served: ['v1'], removed: {} },
  Pod: { served: ['v1'], removed: {} },
  PodTemplate: { served: ['v1'], removed: {} },
  ReplicationController: { served: ['v1'], removed: {} },
  ServiceAccount: { served: ['v1'], removed: {} },
  Deployment: { served: ['apps/v1'], removed: APPS_REMOVED },
  DaemonSet: { served: ['apps/v1'], removed: { 'apps/v1beta2': '1.16', 'extensions/v1beta1': '1.16' } },
  ReplicaSet: { served: ['apps/v1'], removed: { 'apps/v1beta2': '1.16', 'extensions/v1beta1': '1.16' } },
  StatefulSet: { served: ['apps/v1'], removed: { 'apps/v1beta1': '1.16', 'apps/v1beta2': '1.16' } },
  Job: { served: ['batch/v1'], removed: {} },
  CronJob: { served: ['batch/v1'], removed: { 'batch/v1beta1': '1.25', 'batch/v2alpha1': '1.21' } },
  Ingress: { served: ['networking.k8s.io/v1'], removed: { 'networking.k8s.io/v1beta1': '1.22', 'extensions/v1beta1': '1.22' } },
  Rollout: { served: ['argoproj.io/v1alpha1'], removed: {} },
};

export type ApiVersionCheck =
  | Readonly<{ status: 'ok' }>
  | Readonly<{ status: 'removed'; release: string; use: string }>
  | Readonly<{ status: 'missing' | 'unserved'; use: string }>;

/** The verdict on an object's apiVersion; kinds kstale does not read are always ok. */
export function checkApiVersion(kind: string, apiVersion: string | undefined): ApiVersionCheck {
  const row = Object.prototype.hasOwnProperty.call(TABLE, kind) ? TABLE[kind] : undefined;
  if (!row) return { status: 'ok' };
  const use = row.served[0]!;
  if (!apiVersion) return { status: 'missing', use };
  if (row.served.includes(apiVersion)) return { status: 'ok' };
  const release = row.removed[apiVersion];
  if (release) return { status: 'removed', release, use };
  // A group with a dot that is not Kubernetes' own is a CRD's: a kind of the same name there is another kind.
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  if (group.includes('.') && !group.endsWith('.k8s.io') && group !== use.split('/')[0]) return { status: 'ok' };
  if (kind === 'Rollout' && group === 'argoproj.io') return { status: 'ok' };
  return { status: 'unserved', use };
}

/** The one-line problem for a check that is not ok. */
export function apiVersionMessage(kind: string, name: string, apiVersion: string | undefined, check: Exclude<ApiVersionCheck, { status: 'ok' }>): string {
  if (check.status === 'missing') return `${kind} ${name} has no apiVersion: kubectl would refuse it (use apiVersion: ${check.use}); read as ${check.use}`;
  if (check.status === 'removed') return `${kind} ${name}: apiVersion ${apiVersion} was removed in Kubernetes ${check.release} (use ${check.use}); read anyway`;
  return `${kind} ${name}: apiVersion ${apiVersion} does not serve ${kind} (kubectl: no matches for kind "${kind}" in version "${apiVersion}"; use ${check.use}); read as ${check.use}`;
}
