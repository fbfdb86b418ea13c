import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configFromObject, METADATA_ONLY_MARK } from '../../../src/extract/configs.js';
import type { K8sObject } from '../../../src/model/object.js';

/** A Secret as the cluster source keeps it when read as PartialObjectMetadata: metadata only. */
function metadataOnlySecret(managedFields?: unknown[]): K8sObject {
  const metadata = { name: 'db', namespace: 'shop', ...(managedFields ? { managedFields } : {}) };
  return { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db', raw: { apiVersion: 'v1', kind: 'Secret', metadata, [METADATA_ONLY_MARK]: true }, origin: null };
}

const entry = (manager: string, fieldsV1: unknown, extra: Record<string, unknown> = {}) => ({ manager, operation: 'Update', apiVersion: 'v1', time: '2026-11-24T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1, ...extra });

describe('[U] Secret keys without values: managedFields (DESIGN.md section 2)', () => {
  it('keys owned under f:data are the keys', () => {
    const config = configFromObject(metadataOnlySecret([entry('kubectl-client-side-apply', { 'f:data': { '.': {}, 'f:password': {}, 'f:user': {} }, 'f:type': {} })]))!;
    assert.deepEqual([config.keys, config.keysFrom], [['password', 'user'], 'managedFields']);
  });

  it('server-side apply of stringData is recorded under f:stringData and counts', () => {
    const config = configFromObject(metadataOnlySecret([entry('rotator', { 'f:stringData': { 'f:password': {} } }, { operation: 'Apply' })]))!;
    assert.deepEqual([config.keys, config.keysFrom], [['password'], 'managedFields']);
  });

  it('several managers: the union of what they own', () => {
    const config = configFromObject(metadataOnlySecret([
      entry('helm', { 'f:data': { '.': {}, 'f:a': {} } }),
      entry('rotator', { 'f:stringData': { 'f:b': {} } }, { operation: 'Apply' }),
      entry('kubectl-label', { 'f:metadata': { 'f:labels': { 'f:team': {} } } }),
    ]))!;
    assert.deepEqual(config.keys, ['a', 'b']);
  });

  it('managedFields that own no data: known to have no keys', () => {
    const config = configFromObject(metadataOnlySecret([entry('kubectl-create', { 'f:type': {} })]))!;
    assert.deepEqual([config.keys, config.keysFrom], [[], 'managedFields']);
  });

  it('no managedFields at all: keys unknown (keysFrom null)', () => {
    const config = configFromObject(metadataOnlySecret())!;
    assert.deepEqual([config.keys, config.keysFrom], [[], null]);
  });

  it('a Secret read whole, or from a file, has keys from its data', () => {
    const raw = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: '' }, stringData: { user: '' } };
    const config = configFromObject({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db', raw, origin: null })!;
    assert.deepEqual([config.keys, config.keysFrom], [['password', 'user'], 'data']);
  });
});
