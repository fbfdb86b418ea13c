import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGoAnchored } from '../../../src/extract/go-regexp.js';
import { DEFAULT_RELOADER_SETTINGS, goParseBool, reloaderDecision, reloaderSeesUse, settingsFromReloaderOptions, type ReloaderConfig, type ReloaderSettings, type ReloaderWorkload } from '../../../src/extract/reloader.js';

const envFromCm = (name: string) => ({ containers: [{ name: 'app', envFrom: [{ configMapRef: { name } }] }] });
const podSpecReading = envFromCm('app-cfg');

function workload(annotations: Record<string, string>, templateAnnotations: Record<string, string> = {}, podSpec: Record<string, unknown> = podSpecReading, kind = 'Deployment'): ReloaderWorkload {
  return { kind, namespace: 'shop', annotations, templateAnnotations, podSpec };
}

const cm = (name = 'app-cfg', annotations: Record<string, string> = {}): ReloaderConfig => ({ kind: 'ConfigMap', namespace: 'shop', name, annotations });
const secret = (name = 'app-cfg', annotations: Record<string, string> = {}): ReloaderConfig => ({ kind: 'Secret', namespace: 'shop', name, annotations });
const reloads = (w: ReloaderWorkload, config = cm(), settings: ReloaderSettings = DEFAULT_RELOADER_SETTINGS) => reloaderDecision(w, config, settings).reloads;

describe("[U] Reloader's decision, as its code makes it (ShouldReload, getContainerUsingResource)", () => {
  it('auto and typed auto are read with Go ParseBool', () => {
    for (const value of ['true', 'True', 'TRUE', '1', 't', 'T']) assert.equal(reloads(workload({ 'reloader.stakater.com/auto': value })), true, value);
    for (const value of ['yes', 'on', ' true', 'tRue', '0', 'false', '']) assert.equal(reloads(workload({ 'reloader.stakater.com/auto': value })), false, value);
    assert.equal(reloads(workload({ 'configmap.reloader.stakater.com/auto': '1' })), true);
    assert.equal(reloads(workload({ 'configmap.reloader.stakater.com/auto': 'true' }), secret()), false, 'typed auto is per type');
    const readsSecret = { containers: [{ name: 'app', envFrom: [{ secretRef: { name: 'app-cfg' } }] }] };
    assert.equal(reloads(workload({ 'secret.reloader.stakater.com/auto': 'true' }, {}, readsSecret), secret()), true);
  });

  it('the pod template is read only when the workload has none of the keys (presence counts, even "false")', () => {
    assert.equal(reloads(workload({}, { 'reloader.stakater.com/auto': 'true' })), true);
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'false' }, { 'reloader.stakater.com/auto': 'true' })), false);
    assert.equal(reloads(workload({ 'reloader.stakater.com/search': 'false' }, { 'reloader.stakater.com/auto': 'true' })), false);
    // the other type's reload list on the workload does not count for this type
    assert.equal(reloads(workload({ 'secret.reloader.stakater.com/reload': 'x' }, { 'reloader.stakater.com/auto': 'true' })), true);
    // never merged: the template's list is not read when the workload has auto
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'false' }, { 'configmap.reloader.stakater.com/reload': 'app-cfg' })), false);
    assert.equal(reloaderDecision(workload({}, { 'reloader.stakater.com/auto': 'true' }), cm(), DEFAULT_RELOADER_SETTINGS).from, 'template');
  });

  it('search and match must be exactly "true"', () => {
    const search = (value: string, match: string) => reloads(workload({ 'reloader.stakater.com/search': value }), cm('app-cfg', { 'reloader.stakater.com/match': match }));
    assert.equal(search('true', 'true'), true);
    assert.equal(search('True', 'true'), false);
    assert.equal(search('true', '1'), false);
    assert.equal(reloads(workload({ 'reloader.stakater.com/search': 'true' })), false, 'search without match on the config');
    assert.equal(reloads(workload({ 'reloader.stakater.com/match': 'true' })), false, 'match on the workload does nothing');
  });

  it('ignore on the config is exactly "true" and wins', () => {
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }), cm('app-cfg', { 'reloader.stakater.com/ignore': 'true' })), false);
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }), cm('app-cfg', { 'reloader.stakater.com/ignore': 'True' })), true);
    assert.equal(reloads(workload({ 'configmap.reloader.stakater.com/reload': 'app-cfg' }), cm('app-cfg', { 'reloader.stakater.com/ignore': 'true' })), false);
  });

  it('exclude lists on the workload metadata win over auto and reload lists; exact trimmed names', () => {
    const exclude = 'configmaps.exclude.reloader.stakater.com/reload';
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true', [exclude]: 'other, app-cfg' })), false);
    assert.equal(reloads(workload({ 'configmap.reloader.stakater.com/reload': 'app-cfg', [exclude]: 'app-cfg' })), false);
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true', [exclude]: 'app-.*' })), true, 'not a pattern');
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true', 'secrets.exclude.reloader.stakater.com/reload': 'app-cfg' })), true, 'the other type');
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }, { [exclude]: 'app-cfg' })), true, 'read from metadata only');
    assert.equal(reloads(workload({}, { 'reloader.stakater.com/auto': 'true' }), cm()), true);
    assert.equal(reloads(workload({ [exclude]: 'app-cfg' }, { 'reloader.stakater.com/auto': 'true' })), false, 'metadata exclude applies to the template auto');
  });

  it('reload lists are Go regexps ^entry$, ungrouped, trimmed; an invalid entry is skipped', () => {
    const list = (value: string, name = 'app-cfg') => reloads(workload({ 'configmap.reloader.stakater.com/reload': value }, {}, envFromCm(name)), cm(name));
    assert.equal(list('app-cfg'), true);
    assert.equal(list(' other , app-cfg '), true);
    assert.equal(list('app-.*'), true);
    assert.equal(list('app'), false);
    assert.equal(list('app-cfg-2'), false);
    // "a|b" is ^a or b$: a prefix match on the left, a suffix match on the right
    assert.equal(list('app|zzz'), true);
    assert.equal(list('zzz|cfg'), true);
    assert.equal(list('(?i)APP-CFG'), true);
    assert.equal(list('APP-CFG'), false);
    assert.equal(list('(?=app)app-cfg'), false, 'lookahead: Go cannot compile it');
    assert.equal(list('(?=app)app-cfg,app-cfg'), true, 'the next entry still counts');
    assert.equal(list('[[:alpha:]]+-cfg'), true);
    assert.equal(list('app-cf[g'), false);
    assert.equal(list('*cfg'), true, 'a leading * repeats the ^: no start anchor');
    assert.equal(list(''), false);
    assert.equal(list('a,,b'), false);
  });

  it('a reload-list match restarts even a workload that does not read the config; auto needs a use', () => {
    const notReading = envFromCm('other');
    const byList = reloaderDecision(workload({ 'configmap.reloader.stakater.com/reload': 'app-cfg' }, {}, notReading), cm(), DEFAULT_RELOADER_SETTINGS);
    assert.deepEqual([byList.reloads, byList.readsIt], [true, false]);
    assert.match(byList.why, /configmap.reloader.stakater.com\/reload in the Deployment's metadata matches app-cfg/);
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }, {}, notReading)), false);
  });

  it('what auto counts as a use: env, envFrom, a mounted volume of a container or init container', () => {
    const uses = (podSpec: Record<string, unknown>, config: ReloaderConfig = cm()) => reloaderSeesUse({ podSpec }, config);
    assert.equal(uses({ containers: [{ name: 'a', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app-cfg', key: 'k' } } }] }] }), true);
    assert.equal(uses({ containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'app-cfg' } }] }] }, secret()), true);
    assert.equal(uses({ containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'app-cfg' } }] }] }, cm()), false, 'a Secret of the same name');
    const volume = { name: 'v', configMap: { name: 'app-cfg' } };
    assert.equal(uses({ volumes: [volume], containers: [{ name: 'a', volumeMounts: [{ name: 'v', mountPath: '/c' }] }] }), true);
    assert.equal(uses({ volumes: [volume], containers: [{ name: 'a' }] }), false, 'an unmounted volume');
    assert.equal(uses({ volumes: [volume], initContainers: [{ name: 'i', volumeMounts: [{ name: 'v', mountPath: '/c' }] }], containers: [{ name: 'a' }] }), true);
    assert.equal(uses({ volumes: [volume], ephemeralContainers: [{ name: 'e', volumeMounts: [{ name: 'v', mountPath: '/c' }] }], containers: [{ name: 'a' }] }), false);
    assert.equal(uses({ volumes: [{ name: 'p', projected: { sources: [{ secret: { name: 'app-cfg' } }] } }], containers: [{ name: 'a', volumeMounts: [{ name: 'p', mountPath: '/s' }] }] }, secret()), true);
    assert.equal(uses({ volumes: [{ name: 's', secret: { secretName: 'app-cfg' } }], containers: [{ name: 'a', volumeMounts: [{ name: 's', mountPath: '/s' }] }] }, secret()), true);
    assert.equal(uses({ imagePullSecrets: [{ name: 'app-cfg' }], containers: [{ name: 'a' }] }, secret()), false);
    assert.equal(uses({ initContainers: [{ name: 'i', envFrom: [{ configMapRef: { name: 'app-cfg' } }] }], containers: [{ name: 'a' }] }), true);
  });

  it('kinds: Deployment, DaemonSet, StatefulSet, CronJob, Job; a Rollout only with the Argo option; never a Pod or ReplicaSet', () => {
    const auto = { 'reloader.stakater.com/auto': 'true' };
    for (const kind of ['Deployment', 'DaemonSet', 'StatefulSet', 'CronJob', 'Job']) assert.equal(reloads(workload(auto, {}, podSpecReading, kind)), true, kind);
    for (const kind of ['Pod', 'ReplicaSet', 'ReplicationController', 'Rollout']) assert.equal(reloads(workload(auto, {}, podSpecReading, kind)), false, kind);
    assert.equal(reloads(workload(auto, {}, podSpecReading, 'Rollout'), cm(), { ...DEFAULT_RELOADER_SETTINGS, isArgoRollouts: true }), true);
  });

  it("a running Reloader's options: ignored workload types, resources, namespaces, webhook, auto-reload-all, renamed keys", () => {
    const auto = workload({ 'reloader.stakater.com/auto': 'true' });
    const with_ = (options: Partial<ReloaderSettings>) => ({ ...DEFAULT_RELOADER_SETTINGS, ...options });
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }, {}, podSpecReading, 'Job'), cm(), with_({ workloadTypesToIgnore: ['jobs'] })), false);
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }, {}, podSpecReading, 'Job'), cm(), with_({ workloadTypesToIgnore: ['jobs', 'pods'] })), true, 'an invalid list ignores nothing');
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'true' }, {}, podSpecReading, 'CronJob'), cm(), with_({ workloadTypesToIgnore: ['jobs'] })), true);
    assert.equal(reloads(auto, cm(), with_({ resourcesToIgnore: ['configmaps'] })), false);
    assert.equal(reloads(auto, secret(), with_({ resourcesToIgnore: ['configmaps'] })), false, 'the secret is not read by this workload');
    assert.equal(reloads(auto, cm(), with_({ namespacesToIgnore: ['shop'] })), false);
    assert.equal(reloads(auto, cm(), with_({ webhookUrl: 'http://hook' })), false);
    assert.equal(reloads(workload({}), cm(), with_({ autoReloadAll: true })), true);
    assert.equal(reloads(workload({ 'reloader.stakater.com/auto': 'false' }), cm(), with_({ autoReloadAll: true })), false, 'auto "false" opts out');
    const renamed = settingsFromReloaderOptions({ reloaderAutoAnnotation: 'example.com/auto' }, 'test');
    assert.equal(reloads(workload({ 'example.com/auto': 'true' }), cm(), renamed), true);
    assert.equal(reloads(auto, cm(), renamed), false);
  });

  it('Go ParseBool and Go regexps, alone', () => {
    assert.deepEqual(['1', 't', 'T', 'TRUE', 'true', 'True', 'yes', 'tRUE'].map(goParseBool), [true, true, true, true, true, true, false, false]);
    assert.equal(compileGoAnchored('(?P<x>a)b')?.test('ab'), true);
    assert.equal(compileGoAnchored('a\\1'), null);
    assert.equal(compileGoAnchored('\\Qa.b\\E')?.test('a.b'), true);
    assert.equal(compileGoAnchored('\\Qa.b\\E')?.test('axb'), false);
    assert.equal(compileGoAnchored('a\\z')?.test('a'), true);
    assert.equal(compileGoAnchored('\\Z'), null, 'not an escape Go knows');
    assert.equal(compileGoAnchored('[]a]+')?.test(']a'), true);
  });
});
