// Writes a synthetic but realistic estate: namespaces of Deployments (with ReplicaSets and
// pods), StatefulSets, DaemonSets and CronJobs (with a Job and its pod), two configs per pod
// with managedFields, references by every path in realistic proportions (mostly env/envFrom),
// some keys changed after the pods started (stale), some configs missing.
// --configs N: about N configs in all (default: 230 per namespace, about 2 per pod).
// Usage: node test/bench/generate.mjs --pods N [--configs N] --out DIR   → DIR/dump.json and DIR/manifests/*.yaml
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const podTarget = Number(option('--pods', '1000'));
const out = option('--out', `test/bench/out/${podTarget}`);
// A namespace holds about 116 pods (40 workloads of 1–3 pods).
const configsPerNamespace = args.includes('--configs') ? Math.max(3, Math.round(Number(option('--configs')) / Math.ceil(podTarget / 116))) : 230;

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(random() * list.length)];

const T0 = '2026-11-20T08:00:00Z'; // configs created
const T1 = '2026-11-21T09:00:00Z'; // pods started
const T2 = '2026-11-22T10:00:00Z'; // some keys patched afterwards
const KEYS = ['LOG_LEVEL', 'DB_HOST', 'FEATURE_FLAGS', 'TIMEOUT_MS', 'app.yaml'];

const items = [];
const manifests = new Map();
const addManifest = (namespace, object) => manifests.set(namespace, [...(manifests.get(namespace) ?? []), object]);

function config(kind, namespace, name, patched) {
  const data = Object.fromEntries(KEYS.map((key) => [key, kind === 'Secret' ? Buffer.from(`value-${key}`).toString('base64') : `value-${key}`]));
  const managedFields = [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': Object.fromEntries([['.', {}], ...KEYS.map((key) => [`f:${key}`, {}])]) } }];
  if (patched) managedFields.push({ manager: 'kubectl-patch', operation: 'Update', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { [`f:${patched}`]: {} } } });
  const object = { apiVersion: 'v1', kind, metadata: { name, namespace, uid: `${namespace}-${name}`, resourceVersion: '1', creationTimestamp: T0, managedFields }, data, ...(kind === 'Secret' ? { type: 'Opaque' } : {}) };
  items.push(object);
  const { managedFields: _omit, uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...metadata } = object.metadata;
  addManifest(namespace, { ...object, metadata });
}

function container(name, configs) {
  const env = [];
  const envFrom = [];
  const volumeMounts = [];
  for (const [index, { kind, name: configName }] of configs.entries()) {
    const roll = random();
    if (roll < 0.55) env.push({ name: `V${index}`, valueFrom: { [kind === 'Secret' ? 'secretKeyRef' : 'configMapKeyRef']: { name: configName, key: pick(KEYS) } } });
    else if (roll < 0.8) envFrom.push({ [kind === 'Secret' ? 'secretRef' : 'configMapRef']: { name: configName } });
    else volumeMounts.push({ name: `vol${index}`, mountPath: `/etc/c${index}`, ...(roll > 0.95 ? { subPath: 'app.yaml' } : {}) });
  }
  return { name, image: 'registry.example/app:1', ...(env.length ? { env } : {}), ...(envFrom.length ? { envFrom } : {}), ...(volumeMounts.length ? { volumeMounts } : {}) };
}

function podSpec(configs) {
  const volumes = configs.map((entry, index) => (entry.kind === 'Secret' ? { name: `vol${index}`, secret: { secretName: entry.name } } : random() < 0.3 ? { name: `vol${index}`, projected: { sources: [{ configMap: { name: entry.name } }] } } : { name: `vol${index}`, configMap: { name: entry.name } }));
  return { containers: [container('app', configs)], volumes, ...(random() < 0.05 ? { imagePullSecrets: [{ name: 'registry-cred' }] } : {}) };
}

function pod(namespace, name, owner, spec, labels) {
  items.push({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, uid: `${namespace}-${name}`, labels, ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: `${namespace}-${owner.name}`, controller: true }] },
    spec,
    status: { phase: 'Running', startTime: T1, containerStatuses: spec.containers.map((c) => ({ name: c.name, ready: true, restartCount: 0, state: { running: { startedAt: T1 } } })) },
  });
}

let pods = 0;
let configCount = 0;
for (let n = 0; pods < podTarget; n++) {
  const namespace = `team-${n}`;
  const configs = [];
  for (let i = 0; i < configsPerNamespace; i++, configCount++) {
    const kind = i % 3 === 0 ? 'Secret' : 'ConfigMap';
    const name = `${kind === 'Secret' ? 'sec' : 'cfg'}-${i}`;
    config(kind, namespace, name, random() < 0.2 ? pick(KEYS) : undefined);
    configs.push({ kind, name });
  }
  for (let w = 0; w < 40 && pods < podTarget; w++) {
    const roll = random();
    const kind = roll < 0.8 ? 'Deployment' : roll < 0.9 ? 'StatefulSet' : roll < 0.95 ? 'DaemonSet' : 'CronJob';
    const name = `${kind.toLowerCase()}-${w}`;
    const used = [pick(configs), pick(configs), pick(configs)];
    if (random() < 0.02) used.push({ kind: 'ConfigMap', name: `missing-${w}` });
    const spec = podSpec(used);
    const labels = { app: name };
    const apiVersion = kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
    const template = { metadata: { labels }, spec };
    const workload = { apiVersion, kind, metadata: { name, namespace, uid: `${namespace}-${name}`, labels }, spec: kind === 'CronJob' ? { schedule: '@hourly', jobTemplate: { spec: { template } } } : { selector: { matchLabels: labels }, template } };
    items.push(workload);
    addManifest(namespace, { ...workload, metadata: { name, namespace, labels } });
    if (kind === 'Deployment') {
      const rs = `${name}-5d4f8c`;
      items.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: rs, namespace, uid: `${namespace}-${rs}`, ownerReferences: [{ apiVersion, kind, name, uid: `${namespace}-${name}`, controller: true }] }, spec: { template } });
      for (let r = 0; r < 3; r++, pods++) pod(namespace, `${rs}-${r}x`, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs }, spec, labels);
    } else if (kind === 'CronJob') {
      const job = `${name}-29000000`;
      items.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace, uid: `${namespace}-${job}`, ownerReferences: [{ apiVersion, kind, name, uid: `${namespace}-${name}`, controller: true }] }, spec: { template } });
      pod(namespace, `${job}-q`, { apiVersion: 'batch/v1', kind: 'Job', name: job }, spec, labels);
      pods++;
    } else {
      for (let r = 0; r < 3; r++, pods++) pod(namespace, `${name}-${r}`, { apiVersion, kind, name }, spec, labels);
    }
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'manifests'), { recursive: true });
// Written item by item (a dump of 100k pods is longer than a string may be), exactly as
// JSON.stringify({ apiVersion, kind, items, metadata }, null, 4) lays it out.
const dump = openSync(join(out, 'dump.json'), 'w');
writeSync(dump, '{\n    "apiVersion": "v1",\n    "kind": "List",\n    "items": [\n');
items.forEach((item, index) => writeSync(dump, `        ${JSON.stringify(item, null, 4).replaceAll('\n', '\n        ')}${index < items.length - 1 ? ',' : ''}\n`));
writeSync(dump, '    ],\n    "metadata": {\n        "resourceVersion": ""\n    }\n}');
closeSync(dump);
for (const [namespace, objects] of manifests) writeFileSync(join(out, 'manifests', `${namespace}.yaml`), objects.map((object) => yaml.dump(object, { lineWidth: -1, noRefs: true })).join('---\n'));
console.log(`${out}: ${pods} pods, ${configCount} configs, ${items.length} objects`);
