import { asArray, metadataOf, type K8sObject } from '../model/object.js';
import type { Problem } from '../model/problem.js';
import { matchesLabels, parseLabelSelector } from '../graph/selector.js';
import { reloaderSelector, type ReloaderSettings } from '../extract/reloader.js';
import type { ClusterClient } from '../sources/cluster/http.js';
import type { FoundReloader } from '../sources/cluster/reloader.js';

const strings = (value: unknown) => asArray(value).filter((entry): entry is string => typeof entry === 'string' && entry !== '');

/**
 * Reloader's resourceSelectors and namespaceSelectors, applied to what was read: configs whose
 * labels fail the resource selector, and namespaces whose labels fail the namespace selector
 * (honoured only when it watches every namespace), are not watched by that Reloader.
 */
export async function withSelectors(found: readonly FoundReloader[], objects: readonly K8sObject[], client: ClusterClient): Promise<{ reloaders: ReloaderSettings[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const reloaders: ReloaderSettings[] = [];
  for (const { settings, options } of found) {
    let result = settings;
    const resourceSelector = reloaderSelector(strings(options.resourceSelectors));
    if (resourceSelector) {
      const requirements = parseLabelSelector(resourceSelector) ?? [];
      const configsNotSelected = objects
        .filter((object) => (object.kind === 'ConfigMap' || object.kind === 'Secret') && !matchesLabels(metadataOf(object.raw).labels ?? {}, requirements))
        .map((object) => `${object.kind}/${object.namespace}/${object.name}`);
      result = { ...result, configsNotSelected };
    }
    const namespaceSelector = settings.watchedNamespaces === null ? reloaderSelector(strings(options.namespaceSelectors)) : '';
    if (namespaceSelector) {
      const { namespaceLabels } = await import('../sources/cluster/reloader.js');
      const labels = await namespaceLabels(client);
      if (typeof labels === 'number') {
        problems.push({ code: 'incomplete', severity: 'warning', message: `a Reloader watches only namespaces labelled ${namespaceSelector}, and namespaces cannot be listed (HTTP ${labels}): its protection is not counted` });
        result = { ...result, watchedNamespaces: [] };
      } else {
        const requirements = parseLabelSelector(namespaceSelector) ?? [];
        result = { ...result, namespacesNotSelected: [...labels].filter(([, nsLabels]) => !matchesLabels(nsLabels, requirements)).map(([name]) => name) };
      }
    }
    reloaders.push(result);
  }
  return { reloaders, problems };
}

/**
 * The running Reloaders of a cluster, selectors applied, with what is worth saying about them.
 * `objects` may still be on its way: finding Reloader runs beside the cluster's lists.
 */
export async function clusterReloaders(client: ClusterClient, namespaces: readonly string[] | null, objects: readonly K8sObject[] | Promise<readonly K8sObject[]>): Promise<{ reloaders: ReloaderSettings[]; problems: Problem[]; unknownBecause: string }> {
  const { detectReloaders } = await import('../sources/cluster/reloader.js');
  const detection = await detectReloaders(client, namespaces);
  const selected = await withSelectors(detection.running, await objects, client);
  return { reloaders: selected.reloaders, problems: [...detection.problems, ...selected.problems], unknownBecause: detection.unknownBecause };
}
