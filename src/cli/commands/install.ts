import { Command, Option } from 'commander';
import { descriptionOf } from './catalog.js';
import type { CliIo } from '../io.js';
import { parseDuration } from '../options.js';
import { KstaleError } from '../../model/errors.js';

type InstallCommandOptions = { image: string; namespace: string; secrets: 'metadata' | 'none'; prometheusRule?: boolean; restart?: boolean; restartAfter?: string; timeline?: boolean | string; namespaceObject: boolean; secretValues?: boolean };

export function installCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('install')
    .description(descriptionOf('install'))
    .requiredOption('--image <image>', 'the kstale image to run (see the README: "Watch and alert")')
    .option('-n, --namespace <ns>', 'namespace of the Deployment, Service and ServiceAccount', 'kstale')
    .addOption(new Option('--secrets <mode>', 'metadata: list and watch Secrets (kstale asks for metadata only; RBAC cannot limit it to that); none: no access to Secrets').choices(['metadata', 'none']).default('metadata'))
    .option('--prometheus-rule', 'also print a PrometheusRule (prometheus-operator) with the alerts')
    .option('--restart', 'run the safe auto-restart (kstale watch --restart-after 30m --yes) and grant get/patch on the workloads it restarts')
    .option('--restart-after <duration>', 'the same with another duration (implies --restart)')
    .option('--timeline [name]', 'keep the value timeline (exact staleness) in this ConfigMap of the namespace (default kstale-timeline), and grant get/create/update on it')
    .option('--no-namespace-object', 'do not print the Namespace (it exists already)')
    .option('--secret-values', 'judge Secrets by their values too (whole Secrets are read; values are hashed in memory with a per-process key and dropped)')
    .addHelpText('after', `
Prints YAML; it changes nothing. Examples:
  kstale install --image ghcr.io/example/kstale:0.1.0 | kubectl apply -f -
  kstale install --image registry.example/kstale:0.1.0 -n monitoring --secrets none --prometheus-rule`)
    .action(async (options: InstallCommandOptions) => {
      const { installManifests } = await import('../../report/install.js');
      const restartAfter = options.restartAfter ?? (options.restart ? '30m' : undefined);
      if (restartAfter !== undefined) parseDuration(restartAfter, '--restart-after');
      const timeline = options.timeline === true ? 'kstale-timeline' : options.timeline || undefined;
      if (options.secretValues && options.secrets === 'none') throw new KstaleError('usage', '--secret-values reads Secrets, and --secrets none forbids it');
      io.stdout(installManifests({ image: options.image, namespace: options.namespace, secrets: options.secrets, prometheusRule: Boolean(options.prometheusRule), restartAfter, timeline, createNamespace: options.namespaceObject, secretValues: Boolean(options.secretValues) }));
      setExitCode(0);
    });
}
