import type { ExplainedConfig, ExplainedPod, ExplainedUse, Explanation } from '../analyses/explain.js';
import type { Precision } from '../analyses/managed-fields.js';
import type { SourceInfo } from '../model/graph.js';
import { parseRef } from '../model/refs.js';
import { ageBetween } from './durations.js';
import { kubectlName } from './describe.js';
import { painter, type RenderOptions } from './options.js';

export type ExplainView = Readonly<{ source: SourceInfo; explanation: Explanation }>;

export function explainDocument(view: ExplainView): Record<string, unknown> {
  const { kind: workloadKind, ...rest } = view.explanation;
  return { apiVersion: 'kstale/v1', kind: 'Explain', source: view.source, ...rest, workloadKind };
}

/** What a change time is worth, for someone who has never heard of managedFields. */
const EVIDENCE: Readonly<Record<Precision, string>> = {
  exact: 'its value now differs from the value the container started with (value timeline)',
  key: 'this key was last written then',
  manager: 'the tool that manages this key changed something then: this key, or another field it manages',
  object: 'some key of it was written then',
  created: 'only its creation time is known; later edits are invisible',
};

function describeUse(use: ExplainedUse): string {
  const who = use.container === null ? 'the pod' : `${use.containerType === 'initContainer' ? 'init container' : use.containerType === 'ephemeralContainer' ? 'ephemeral container' : 'container'} ${use.container}`;
  const what = use.key === null ? (use.via === 'envFrom' ? 'all keys' : use.via === 'imagePullSecret' ? 'the pull secret' : 'all keys') : `key ${use.key}`;
  const how =
    use.via === 'env' ? `env ${use.envVar ?? '?'}`
      : use.via === 'envFrom' ? `envFrom${use.prefix ? ` (prefix ${use.prefix})` : ''}`
        : use.via === 'imagePullSecret' ? 'imagePullSecrets'
          : use.via === 'volumeSecretRef' ? `the plugin of volume ${use.volume}, at mount time`
          : use.mountPath === null ? `volume ${use.volume} (mounted by no container)` : `${use.via === 'projected' ? 'projected volume' : 'volume'} ${use.volume} at ${use.mountPath}${use.subPath ? ' (subPath)' : ''}`;
  const effect = use.update === 'restart' ? 'a change needs a restart' : use.update === 'live' ? 'a change reaches it live (kubelet sync, about a minute)' : 'a change needs nothing';
  return `${who} reads ${what} through ${how}${use.optional ? ' (optional)' : ''}: ${effect}`;
}

function describePod(pod: ExplainedPod, now: string): string {
  const name = parseRef(pod.pod).name;
  if (pod.state === 'fresh') return `${name}: fresh (every container started after the last known change)`;
  const where = `${pod.container ? `container ${pod.container}` : 'the pod'}${pod.key ? `, key ${pod.key}` : ''}`;
  const said = pod.precision === 'key' && pod.key === null ? 'its data was last written then' : pod.precision ? EVIDENCE[pod.precision] : '';
  const evidence = pod.precision ? `${said} (precision ${pod.precision})` : '';
  const state = pod.state === 'stale' ? 'STALE' : 'syncing (a live mount the kubelet has not refreshed yet)';
  return `${name} ${where}: ${state}: started ${pod.startedAt}, changed ${pod.changedAt} (${ageBetween(pod.changedAt!, now)} ago; ${evidence})`;
}

function protectionLines(config: ExplainedConfig, explanation: Explanation): string[] {
  const lines: string[] = [];
  if (config.update === 'none') return ['nothing needs to restart it: a change of this config does not matter to running containers'];
  if (explanation.reloadersKnown.length === 0) lines.push('Reloader: none runs in this cluster, so no Reloader annotation protects it');
  for (const reloader of config.reloaders) {
    lines.push(`${reloader.reloads ? 'Reloader restarts it' : 'Reloader does not restart it'}: ${reloader.why} (${reloader.reloader})`);
  }
  lines.push(...config.others);
  lines.push(config.protectedBy ? `protected by: ${config.protectedBy}` : 'protected by: nothing: after a change, its pods keep the old values until someone restarts them');
  if (config.protectionFailed) lines.push(`PROTECTION FAILED: its pods are still stale past the grace period: ${config.protectedBy} missed the change (not running or not watching, an OnDelete StatefulSet, a paused Deployment, an edit outside the Helm release)`);
  return lines;
}

export function renderExplainText(view: ExplainView, options: RenderOptions): string {
  const paint = painter(options);
  const { explanation } = view;
  const { namespace } = parseRef(explanation.workload);
  const out: string[] = [paint.bold(`${kubectlName(explanation.workload)} in namespace ${namespace}`)];
  out.push(explanation.reloadersKnown.length === 0 ? 'Reloader: none runs' : `Reloader: ${explanation.reloadersKnown.join('; ')}`);
  if (explanation.configs.length === 0) out.push('', 'It reads no ConfigMap or Secret.');
  for (const config of explanation.configs) {
    out.push('', paint.bold(`${kubectlName(config.config)}${config.exists ? '' : ' (DOES NOT EXIST in the source)'}`));
    for (const use of config.uses) out.push(`  how:        ${describeUse(use)}`);
    const pods = config.pods.map((pod) => describePod(pod, view.source.now));
    if (pods.length === 0) out.push('  pods:       none running in the source (no staleness to judge)');
    pods.forEach((line, index) => out.push(`  ${index === 0 ? 'pods:      ' : '           '} ${line}`));
    protectionLines(config, explanation).forEach((line, index) => out.push(`  ${index === 0 ? 'on change: ' : '           '} ${line}`));
  }
  for (const extra of explanation.reloadedWithoutReading) {
    out.push('', paint.bold(`${kubectlName(extra.config)} (not read)`), `  on change:   Reloader restarts it on a change of ${parseRef(extra.config).name}, which it does not read: ${extra.why} (${extra.reloader})`);
  }
  if (explanation.restart) {
    const { action, note, method } = explanation.restart;
    const what = action === 'restart' ? `restart --affected would restart it (${method === 'restartAt' ? 'spec.restartAt' : method === 'delete-pods' ? 'delete its stale pods' : 'as kubectl rollout restart'})${note ? `: ${note}` : ''}` : `restart --affected would ${action} it: ${note}`;
    out.push('', `restart:     ${what}`);
  } else {
    out.push('', 'restart:     nothing to restart: none of its pods is stale');
  }
  return `${out.join('\n')}\n`;
}
