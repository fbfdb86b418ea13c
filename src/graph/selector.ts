import { KstaleError } from '../model/errors.js';
import { metadataOf, type K8sObject } from '../model/object.js';

type Requirement = Readonly<{ key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: readonly string[] }>;

/** Splits on commas that are not inside `( )`: `a in (x,y),b=c` → two requirements. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

/**
 * Parses a kubectl label selector (`app=web`, `tier!=db`, `env in (a,b)`, `env notin (c)`,
 * `key`, `!key`); undefined when it is not one.
 */
export function parseLabelSelector(selector: string): Requirement[] | undefined {
  const requirements: Requirement[] = [];
  for (const part of splitRequirements(selector)) {
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(part))) {
      requirements.push({ key: match[1]!, op: match[2] === '!=' ? 'notin' : 'in', values: [match[3]!] });
    } else if ((match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      requirements.push({ key: match[1]!, op: match[2] as 'in' | 'notin', values: match[3]!.split(',').map((value) => value.trim()) });
    } else if ((match = /^(!?)([\w./-]+)$/.exec(part))) {
      requirements.push({ key: match[2]!, op: match[1] ? '!exists' : 'exists', values: [] });
    } else return undefined;
  }
  return requirements;
}

/** The parsed selector, or a usage error that shows how one is written. */
export function parseLabelSelectorOrFail(selector: string): Requirement[] {
  const requirements = parseLabelSelector(selector);
  if (!requirements) throw new KstaleError('usage', `-l "${selector}" is not a label selector`, { hint: "examples: -l app=web, -l 'tier in (web,api)', -l '!canary'" });
  return requirements;
}

export function matchesLabels(labels: Readonly<Record<string, string>>, requirements: readonly Requirement[]): boolean {
  return requirements.every((requirement) => {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && requirement.values.includes(value!);
      case 'notin':
        return !has || !requirement.values.includes(value!);
    }
  });
}

export function objectMatches(object: K8sObject, requirements: readonly Requirement[]): boolean {
  return matchesLabels(metadataOf(object.raw).labels ?? {}, requirements);
}
