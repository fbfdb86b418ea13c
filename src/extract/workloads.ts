import { annotationsOf, isRecord, metadataOf, type K8sObject } from '../model/object.js';
import type { Reference } from '../model/graph.js';
import { makeRef } from '../model/refs.js';
import { extractPodSpecReferences, type UnnamedReference } from './pod-spec.js';
import type { WorkloadAnnotations } from './protection.js';
import { podSpecOf, podTemplateMetadataOf, workloadKindOf } from './workload-kinds.js';

export type ExtractedWorkload = Readonly<{
  object: K8sObject;
  ref: string;
  references: Reference[];
  unnamed: UnnamedReference[];
  annotations: WorkloadAnnotations;
  serviceAccountName: string;
}>;

/** The object's controller (ownerReferences with controller: true), as a ref in its namespace. */
export function controllerRefOf(object: K8sObject): string | undefined {
  const owner = metadataOf(object.raw).ownerReferences?.find((candidate) => candidate?.controller === true);
  return owner?.kind && owner.name ? makeRef(owner.kind, object.namespace, owner.name) : undefined;
}

/** References and protection facts of one workload object, or undefined when it carries no pod spec. */
export function extractWorkload(object: K8sObject): ExtractedWorkload | undefined {
  const row = workloadKindOf(object);
  if (!row) return undefined;
  const ref = makeRef(object.kind, object.namespace, object.name);
  const podSpec = podSpecOf(object, row);
  const templateMeta = podTemplateMetadataOf(object, row);
  const templateAnnotations = isRecord(templateMeta?.annotations) ? (templateMeta.annotations as Record<string, string>) : {};
  const annotations: WorkloadAnnotations = { kind: object.kind, namespace: object.namespace, annotations: annotationsOf(object.raw), templateAnnotations, podSpec };
  if (!podSpec) return { object, ref, references: [], unnamed: [], annotations, serviceAccountName: 'default' };
  const { references, unnamed } = extractPodSpecReferences(podSpec, { workload: ref, namespace: object.namespace, origin: object.origin, positionOf: object.positionOf });
  // serviceAccount is the deprecated alias the API still fills in.
  const serviceAccountName = (typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName) || (typeof podSpec.serviceAccount === 'string' && podSpec.serviceAccount) || 'default';
  return { object, ref, references, unnamed, annotations, serviceAccountName };
}
