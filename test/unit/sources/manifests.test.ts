import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { loadManifests, loadManifestTexts } from '../../../src/sources/manifests/index.js';
import { parseYamlText, splitYamlDocuments } from '../../../src/sources/manifests/parse-documents.js';
import { loadLocalSources } from '../../../src/cli/load-source.js';
import { graphOf } from '../../helpers/graph.js';
import { fixture } from '../../helpers/paths.js';

const load = (paths: string[], readStdin?: () => string) => loadManifests(paths, { defaultNamespace: 'default', readStdin });
const names = (paths: string[]) => load(paths).objects.map((object) => `${object.kind}/${object.namespace}/${object.name}`);

describe('[U] manifest source', () => {
  it('reads multi-document YAML with comments, empty documents, `...` ends, and keeps lines', () => {
    const { objects, problems } = load([fixture('sources', 'multi-document.yaml')]);
    assert.deepEqual(problems, []);
    assert.deepEqual(objects.map((object) => [object.kind, object.namespace, object.name, object.origin?.line]), [
      ['ConfigMap', 'shop', 'first', 4],
      ['Secret', 'default', 'second', 12],
      ['ConfigMap', 'shop', 'third', 23],
    ]);
  });

  it('keeps timestamps as strings (Kubernetes reads YAML as JSON data)', () => {
    const third = load([fixture('sources', 'multi-document.yaml')]).objects[2]!;
    assert.equal((third.raw.metadata as Record<string, unknown>).creationTimestamp, '2024-01-01T00:00:00Z');
  });

  it('drops Secret values on read and keeps only key names', () => {
    const secret = load([fixture('sources', 'multi-document.yaml')]).objects[1]!;
    assert.deepEqual(secret.raw.data, { password: '' });
    assert.deepEqual(secret.raw.stringData, { token: '' });
    assert.doesNotMatch(JSON.stringify(secret.raw), /c2VjcmV0|plain-secret-value/);
  });

  it('unpacks kind: List with the line of each item', () => {
    const { objects } = load([fixture('sources', 'list.yaml')]);
    assert.deepEqual(objects.map((object) => [object.kind, object.name, object.origin?.line]), [
      ['ConfigMap', 'from-list', 4],
      ['Deployment', 'web', 11],
    ]);
  });

  it('flattens lists recursively, as kubectl does (List in List, ConfigMapList in List), each object with its own line', () => {
    const { objects, problems } = load([fixture('sources', 'nested-list.yaml')]);
    assert.deepEqual(problems, []);
    assert.deepEqual(objects.map((object) => [object.kind, object.name, object.origin?.line]), [
      ['ConfigMap', 'inner-config', 8],
      ['Deployment', 'deep', 21],
    ]);
    const graph = graphOf([fixture('sources', 'nested-list.yaml')]).graph;
    assert.deepEqual(graph.missing, []);
    assert.equal(graph.references.length, 1);
  });

  it('flattens nested lists in a JSON dump too', () => {
    const { objects, problems } = load([fixture('sources', 'nested-list-dump.json')]);
    assert.deepEqual(problems, []);
    assert.deepEqual(objects.map((object) => `${object.kind}/${object.name}`), ['ConfigMap/inner-config', 'Deployment/deep']);
    assert.deepEqual(graphOf([fixture('sources', 'nested-list-dump.json')]).graph.missing, []);
  });

  it('reads `kubectl get -o json` dumps', () => {
    assert.deepEqual(names([fixture('sources', 'dump.json')]), ['ConfigMap/shop/from-json']);
  });

  it('reads directories recursively and gives the default namespace to objects without one', () => {
    const objects = loadManifests([fixture('sources')], { defaultNamespace: 'team-a' }).objects;
    assert.deepEqual(objects.find((object) => object.name === 'second')?.namespace, 'team-a');
    assert.equal(objects.length, 10);
  });

  it('reads standard input for -', () => {
    const { objects } = load(['-'], () => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: piped\n');
    assert.deepEqual(objects.map((object) => [object.name, object.origin?.file]), [['piped', '<stdin>']]);
  });

  it('splits documents of files with Windows line ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-crlf-'));
    writeFileSync(join(dir, 'crlf.yaml'), 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b\r\n');
    assert.deepEqual(load([dir]).objects.map((object) => [object.name, object.origin?.line]), [['a', 1], ['b', 6]]);
  });

  it('treats content on the `---` line as part of the next document', () => {
    assert.deepEqual(splitYamlDocuments('a: 1\n--- {b: 2}\n').map((doc) => doc.firstLine), [1, 2]);
  });

  it('keeps only identity and metadata of kinds it does not read (CRDs, Services…), whole objects of those it reads, everything for impact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-kinds-'));
    writeFileSync(
      join(dir, 'mixed.yaml'),
      [
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n  annotations: {kstale.io/ignore: all}\nspec:\n  group: example.com\n',
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\nimagePullSecrets:\n- name: registry\n',
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n  - secretName: web-tls\n',
      ].join('---\n'),
    );
    const [crd, account, ingress] = load([dir]).objects;
    assert.deepEqual(crd!.raw, { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com', annotations: { 'kstale.io/ignore': 'all' } } });
    assert.equal(crd!.positionOf, undefined);
    assert.deepEqual(account!.raw.imagePullSecrets, [{ name: 'registry' }]);
    assert.deepEqual(ingress!.raw.spec, { tls: [{ secretName: 'web-tls' }] });
    const forImpact = loadManifests([dir], { defaultNamespace: 'default', digestValues: true }).objects[0]!;
    assert.deepEqual(forImpact.raw.spec, { group: 'example.com' });
  });

  it('drops ConfigMap and Secret values once their digests are taken, even for an object a YAML alias brings twice', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- &cm\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {k: hello}\n- *cm\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  stringData: {password: hunter2}\n';
    const unkeyed = createHash('sha256').update('hello').digest('base64');
    const { objects } = loadManifestTexts([{ name: 'x.yaml', text }], { defaultNamespace: 'default', digestValues: true });
    const hello = objects[0]!.valueDigests?.get('k');
    assert.ok(hello && hello !== unkeyed, 'digests are keyed with a secret of this process: no unkeyed hash of a value exists');
    assert.deepEqual(
      objects.map((object) => [object.name, object.raw.data ?? object.raw.stringData, object.valueDigests?.get('k') ?? object.valueDigests?.has('password')]),
      [
        ['a', { k: '' }, hello],
        ['a', { k: '' }, hello],
        ['s', { password: '' }, true],
      ],
    );
  });

  it('reads 200,000 objects from one file and passes them on (a spread of that many arguments overflows the stack)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-many-'));
    const items = Array.from({ length: 200_000 }, (_, index) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${index}`, namespace: 'many' } }));
    writeFileSync(join(dir, 'many.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const { objects, problems } = await loadLocalSources({ filename: [dir] }, { readStdin: () => '' });
    assert.deepEqual(problems, []);
    assert.equal(objects.length, 200_000);
    assert.equal(objects[199_999]!.name, 'c199999');
  });

  it('places documents that start on their `---` line: values, document lines and node positions', () => {
    const documents = parseYamlText('a: 1\n--- {b: 2}\n---\n# c\nkind: X\nspec:\n  x: [1]\n--- kind: Y\n---\n...\n');
    const seen = documents.map((document) => {
      assert.ok(document.ok);
      const value = document.value as { spec?: { x: object } };
      return [document.value, document.line, document.positionOf(value), value.spec ? document.positionOf(value.spec.x) : null];
    });
    assert.deepEqual(seen, [
      [{ a: 1 }, 1, { line: 1, column: 1 }, null],
      [{ b: 2 }, 2, { line: 2, column: 5 }, null],
      [{ kind: 'X', spec: { x: [1] } }, 5, { line: 5, column: 1 }, { line: 7, column: 5 }],
      [{ kind: 'Y' }, 8, { line: 8, column: 5 }, null],
    ]);
  });

  it('keeps the last of duplicated keys, as kubectl does, with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-dup-'));
    writeFileSync(join(dir, 'dup.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  name: last\n');
    const { objects, problems } = load([dir]);
    assert.deepEqual(objects.map((object) => object.name), ['last']);
    assert.deepEqual(problems.map((problem) => [problem.severity, problem.line]), [['warning', 5]]);
  });
});

describe('[U] bad input: one clear problem each, and the rest is still read', () => {
  const problemsOf = (file: string) => load([fixture('bad-input', file)]).problems.map((problem) => [problem.severity, problem.code, problem.line, problem.message]);

  it('invalid YAML names the line', () => {
    const [problem] = problemsOf('broken-yaml.yaml');
    assert.deepEqual(problem!.slice(0, 3), ['error', 'invalid-manifest', 6]); // where the parser finds the unclosed list
    assert.match(String(problem![3]), /^invalid YAML\/JSON: /);
  });

  it('invalid JSON names the line', () => {
    const [problem] = problemsOf('broken-json.json');
    assert.deepEqual(problem!.slice(0, 2), ['error', 'invalid-manifest']);
    assert.equal(problem![2], 5);
  });

  it('an unrendered Helm template says how to render it', () => {
    const [problem] = problemsOf('helm-template.yaml');
    assert.deepEqual(problem!.slice(0, 2), ['error', 'helm-template']);
    assert.match(String(problem![3]), /helm template … \| kstale … -f -/);
  });

  it('`{{ }}` inside strings of valid YAML is fine (Grafana, Prometheus alerts)', () => {
    assert.deepEqual(load([fixture('sources', 'multi-document.yaml')]).problems, []);
  });

  it('a document that is not an object', () => {
    assert.deepEqual(problemsOf('not-an-object.yaml'), [['error', 'invalid-manifest', 1, 'document is a list, not an object']]);
  });

  it('missing kind', () => {
    assert.deepEqual(problemsOf('missing-kind.yaml'), [['error', 'invalid-manifest', 1, 'object has no kind']]);
  });

  it('missing metadata.name', () => {
    assert.deepEqual(problemsOf('missing-name.yaml'), [['error', 'invalid-manifest', 1, 'ConfigMap has no metadata.name']]);
  });

  it('one bad document among good ones hides nothing', () => {
    const { objects, problems } = load([fixture('bad-input', 'one-bad-document.yaml')]);
    assert.deepEqual(objects.map((object) => object.name), ['first-good', 'second-good']);
    assert.deepEqual(problems.map((problem) => [problem.code, problem.line]), [['invalid-manifest', 11]]);
  });

  it('kustomization, values and non-Kubernetes YAML are skipped with a notice each', () => {
    const { objects, problems } = load([fixture('bad-input', 'skipped')]);
    assert.deepEqual(objects.map((object) => object.name), ['kept']);
    assert.match(problems.find((problem) => problem.file?.endsWith('kustomization.yaml'))!.message, /a kustomization: read its directory rendered with -k \S+skipped$/);
    assert.deepEqual(problems.map((problem) => [problem.severity, problem.file?.split('/').pop()]), [
      ['notice', 'docker-compose.yml'],
      ['notice', 'kustomization.yaml'],
      ['notice', 'values-prod.yaml'],
    ]);
  });

  it('a path that does not exist, an empty directory and an unreadable file are errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kstale-bad-'));
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'dangling'));
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'dangling', 'gone.yaml'));
    const { problems } = load([join(dir, 'missing.yaml'), join(dir, 'empty'), join(dir, 'dangling')]);
    assert.deepEqual(problems.map((problem) => [problem.code, problem.message]), [
      ['unreadable', 'the path does not exist'],
      ['unreadable', 'no .yaml, .yml or .json files in this directory'],
      ['unreadable', 'cannot read file: ENOENT'],
    ]);
  });
});

describe('[U] positions: recorded while parsing or on the first question, the same answer', () => {
  const text = [
    '# leading comment',
    '',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: a',
    'data:',
    '  k: v',
    '---',
    '  # indented comment',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: d',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: c',
    '          envFrom:',
    '            - configMapRef: {name: a}',
    '',
  ].join('\n');
  const [configMap, deployment] = parseYamlText(text);

  it('gives each document the line of its root node, after comments and blank lines', () => {
    assert.equal(configMap!.line, 3);
    assert.equal(deployment!.line, 11);
  });

  it('answers for a kind parsed without positions (a ConfigMap) by parsing it again', () => {
    assert.ok(configMap!.ok);
    const value = configMap.value as { metadata: object; data: object };
    assert.deepEqual(configMap.positionOf(value.metadata), { line: 5, column: 1 });
    assert.deepEqual(configMap.positionOf(value.data), { line: 7, column: 1 });
    assert.equal(configMap.positionOf({}), undefined);
  });

  it('answers for a workload from positions recorded while parsing', () => {
    assert.ok(deployment!.ok);
    const container = (deployment.value as { spec: { template: { spec: { containers: { envFrom: object[] }[] } } } }).spec.template.spec.containers[0]!;
    assert.deepEqual(deployment.positionOf(container), { line: 19, column: 11 });
    assert.deepEqual(deployment.positionOf(container.envFrom[0]!), { line: 21, column: 15 });
  });
});
