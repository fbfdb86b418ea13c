import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export type CommandFactory = (io: CliIo, setExitCode: (code: number) => void, version: string) => Command;

/**
 * Every command with what the top-level help shows of it. A command's own module (and what it
 * imports: analyses, renderers, js-yaml) is loaded only when that command runs, so
 * `kstale --help` and each command start without the others' code.
 */
export const COMMANDS: readonly Readonly<{ name: string; usage: string; description: string; load: () => Promise<CommandFactory> }>[] = [
  {
    name: 'who-uses',
    usage: '[options] <config>',
    description: 'list every workload and container that uses a ConfigMap or Secret, how, and whether a change reaches it live or needs a restart',
    load: async () => (await import('./who-uses.js')).whoUsesCommand,
  },
  {
    name: 'audit',
    usage: '[options]',
    description: 'find running pods whose containers started before the config they read last changed (stale), missing configs and keys, unprotected references',
    load: async () => (await import('./audit.js')).auditCommand,
  },
  {
    name: 'graph',
    usage: '[options]',
    description: 'print the whole ConfigMap/Secret reference graph: every workload, container, config, key and how a change reaches it',
    load: async () => (await import('./graph.js')).graphCommand,
  },
  {
    name: 'lint',
    usage: '[options] [paths...]',
    description: 'check manifests in CI: missing configs and keys, duplicates, unprotected restart-needing references, Reloader mistakes',
    load: async () => (await import('./lint.js')).lintCommand,
  },
  {
    name: 'explain',
    usage: '[options] <workload>',
    description: 'for one workload: each config it reads, how, whether its pods are stale and on what evidence, what restarts it on a change and why (Reloader\'s rules), and what restart would do',
    load: async () => (await import('./explain.js')).explainCommand,
  },
  {
    name: 'restart',
    usage: '[options]',
    description: 'restart (as kubectl rollout restart does) exactly the workloads that hold stale config, or that read one config: plan first, then confirm',
    load: async () => (await import('./restart.js')).restartCommand,
  },
  {
    name: 'impact',
    usage: '[options]',
    description: 'before a change is applied: which workloads see it live, need a restart, roll anyway, are protected, or break',
    load: async () => (await import('./impact.js')).impactCommand,
  },
  {
    name: 'watch',
    usage: '[options]',
    description: 'follow a live cluster: print each change of verdict (stale, fresh, missing, found) as it happens, and serve Prometheus metrics',
    load: async () => (await import('./watch.js')).watchCommand,
  },
  {
    name: 'install',
    usage: '[options]',
    description: 'print the manifests that run kstale watch in the cluster (least-privilege RBAC, metrics Service, optional PrometheusRule)',
    load: async () => (await import('./install.js')).installCommand,
  },
  {
    name: 'auth',
    usage: '[options]',
    description: 'show which reads (and, for restart, which patches) the current identity may make, and the minimal ClusterRoles',
    load: async () => (await import('./auth.js')).authCommand,
  },
  {
    name: 'completion',
    usage: '<shell>',
    description: 'print a shell completion script: bash, zsh or fish',
    load: async () => (await import('./completion.js')).completionCommand,
  },
];

export function descriptionOf(name: string): string {
  return COMMANDS.find((command) => command.name === name)!.description;
}
