import type { WatchEvent } from '../analyses/live.js';
import { parseRef } from '../model/refs.js';
import { kubectlName, namespaceOf } from './describe.js';
import { painter, type RenderOptions } from './options.js';

/** `-o json`: one `kstale/v1` WatchEvent per line. */
export function watchEventJson(event: WatchEvent, context?: string): string {
  const { type, time, workload, config, key, pods, protectedBy, changedAt, precision, required } = event;
  return `${JSON.stringify({ apiVersion: 'kstale/v1', kind: 'WatchEvent', ...(context !== undefined ? { context } : {}), type, time, workload, config, key, pods, protectedBy, ...(changedAt ? { changedAt } : {}), ...(precision ? { precision } : {}), ...(required !== undefined ? { required } : {}) })}\n`;
}

function configName(event: WatchEvent): string {
  const { kind, name } = parseRef(event.config);
  return `${kind === 'Secret' ? 'secret' : 'configmap'}/${name}${event.key === null ? '' : ` key ${event.key}`}`;
}

/** The table output: one line per change of verdict, for people. */
export function watchEventLine(event: WatchEvent, options: RenderOptions): string {
  const paint = painter(options);
  const who = `${namespaceOf(event.workload)}/${kubectlName(event.workload)}`;
  const pods = (n: number) => `${n} pod${n === 1 ? '' : 's'}`;
  const hold = (n: number) => `${pods(n)} ${n === 1 ? 'holds' : 'hold'}`;
  switch (event.type) {
    case 'Stale':
      return `${event.time}  ${paint.yellow('Stale  ')}  ${who}: ${configName(event)} changed ${event.changedAt}${event.precision && event.precision !== 'key' && event.precision !== 'exact' ? ` (${event.precision} precision)` : ''}; ${hold(event.pods)} the old value; ${event.protectedBy ? `${event.protectedBy} restarts it` : paint.red('nothing restarts it')}\n`;
    case 'Fresh':
      return `${event.time}  ${paint.green('Fresh  ')}  ${who}: ${configName(event)} is current in every running pod (${pods(event.pods)} running)\n`;
    case 'Missing':
      return `${event.time}  ${paint.red('Missing')}  ${who}: ${configName(event)} does not exist; ${hold(event.pods)} old values${event.required ? ' and would not start again' : ' (optional: it would start without it)'}\n`;
    case 'Found':
      return `${event.time}  ${paint.green('Found  ')}  ${who}: ${configName(event)} exists again\n`;
  }
}
