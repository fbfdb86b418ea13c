import { parseRef, type Ref } from '../../model/refs.js';

const KIND_WORDS: Readonly<Record<string, string>> = { cm: 'ConfigMap', configmap: 'ConfigMap', configmaps: 'ConfigMap', secret: 'Secret', secrets: 'Secret' };

export type ExternalPattern = Readonly<{ kind: string; namespace: RegExp | null; name: RegExp }>;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * Reads `cm/NAME`, `secret/NAMESPACE/NAME` and globs (`cm/*`, `secret/vault-*`) as given to
 * --assume-exists and --external; undefined when the text is not such a pattern.
 */
export function parseExternalPattern(text: string): ExternalPattern | undefined {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const kind = KIND_WORDS[parts[0]!.toLowerCase()];
  if (!kind || parts.some((part) => part === '')) return undefined;
  const namespace = parts.length === 3 ? globToRegExp(parts[1]!) : null;
  return { kind, namespace, name: globToRegExp(parts[parts.length - 1]!) };
}

export function matchesExternal(patterns: readonly ExternalPattern[], config: Ref): boolean {
  const { kind, namespace, name } = parseRef(config);
  return patterns.some((pattern) => pattern.kind === kind && pattern.name.test(name) && (pattern.namespace === null || pattern.namespace.test(namespace)));
}
