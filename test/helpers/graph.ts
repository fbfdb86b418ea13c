import { buildGraph, type BuiltGraph } from '../../src/graph/build.js';
import type { Reference } from '../../src/model/graph.js';
import { loadManifests } from '../../src/sources/manifests/index.js';

export const TEST_NOW = '2026-11-24T16:00:00Z';

export function graphOf(paths: string[], defaultNamespace = 'default'): BuiltGraph & { problems: ReturnType<typeof loadManifests>['problems'] } {
  const { objects, problems } = loadManifests(paths, { defaultNamespace });
  return { ...buildGraph(objects, { type: 'manifests', paths, now: TEST_NOW }), problems };
}

/** The fields that say what a reference is, without its origin: what tests compare. */
export function essence(reference: Reference): Omit<Reference, 'origin'> {
  const { origin: _origin, ...rest } = reference;
  return rest;
}

export function ref(partial: Partial<Reference> & Pick<Reference, 'workload' | 'config' | 'via'>): Omit<Reference, 'origin'> {
  return {
    container: null,
    containerType: null,
    key: null,
    optional: false,
    envVar: null,
    prefix: null,
    volume: null,
    mountPath: null,
    subPath: false,
    update: 'restart',
    protectedBy: null,
    ...partial,
  };
}
