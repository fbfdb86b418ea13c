import { Command, Option } from 'commander';
import { descriptionOf, COMMANDS } from './catalog.js';
import type { CliIo } from '../io.js';
import { BASH_COMPLETION, FISH_COMPLETION, ZSH_COMPLETION } from '../completion-scripts.js';

const SCRIPTS: Readonly<Record<string, string>> = { bash: BASH_COMPLETION, zsh: ZSH_COMPLETION, fish: FISH_COMPLETION };

export function completionCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('completion')
    .description(descriptionOf('completion'))
    .addArgument(new Command().createArgument('<shell>', 'bash, zsh or fish').choices(Object.keys(SCRIPTS)))
    .addHelpText('after', `
Enable it:
  bash:  source <(kstale completion bash)            # or save it under /etc/bash_completion.d/
  zsh:   source <(kstale completion zsh)             # or save it as _kstale in your $fpath
  fish:  kstale completion fish | source              # or save it in ~/.config/fish/completions/
  kubectl stale <TAB>: put bin/kubectl_complete-stale on PATH (kubectl 1.26 or newer runs it)`)
    .action((shell: string) => {
      io.stdout(SCRIPTS[shell]!);
      setExitCode(0);
    });
}

/** Cobra's directives: the shell may complete file names (0) or must not (4). */
const FILES = ':0';
const NO_FILES = ':4';

/** What the scripts put between the words up to the cursor and the words after it. */
const AFTER_CURSOR = '__kstale_after__';

/** Flags whose value is a file or directory. */
const FILE_FLAGS = new Set(['-f', '--filename', '-k', '--kustomize', '--kubeconfig', '--helm-values', '--base']);

function formatsOf(option: Option): string[] {
  return option.argChoices ? [...option.argChoices] : /output format: ([\w|-]+)/.exec(option.description)?.[1]?.split('|') ?? [];
}

/** The words after the command: `-f` values, `--kubeconfig`, … */
function valuesOf(words: readonly string[], ...flags: string[]): string[] {
  const values: string[] = [];
  words.forEach((word, index) => {
    for (const flag of flags) {
      if (word === flag && words[index + 1] !== undefined) values.push(words[index + 1]!);
      else if (word.startsWith(`${flag}=`)) values.push(word.slice(flag.length + 1));
    }
  });
  return values;
}

/**
 * `kstale __complete WORDS… CURRENT`: the candidates for the current word, one per line, then a
 * directive line. Commands, each command's flags, `-o` values per command, rule ids for
 * --disable/--enable/--explain, context names for --context, and config names (cm/…, secret/…)
 * from the -f files already on the line. Raw words, not parsed by commander: they are half typed.
 */
export async function complete(line: readonly string[], io: CliIo, version: string): Promise<string> {
  const marker = line.indexOf(AFTER_CURSOR);
  const words = marker < 0 ? line : line.slice(0, marker);
  const after = marker < 0 ? [] : line.slice(marker + 1);
  const current = words.length > 0 ? words[words.length - 1]! : '';
  const before = words.slice(0, -1);
  const answer = (candidates: readonly string[], directive = NO_FILES) => [...candidates.filter((candidate) => candidate.startsWith(current)), directive, ''].join('\n');
  const names = [...COMMANDS.map((entry) => entry.name)];
  const commandName = before.find((word) => !word.startsWith('-'));
  if (commandName === undefined) return answer(current.startsWith('-') ? ['--help', '--version'] : names);
  if (commandName === 'completion') return answer(['bash', 'zsh', 'fish']);
  const entry = COMMANDS.find((candidate) => candidate.name === commandName);
  if (!entry) return answer([]);
  const command = (await entry.load())(io, () => undefined, version);
  const previous = before[before.length - 1];
  const option = previous ? command.options.find((candidate) => candidate.short === previous || candidate.long === previous) : undefined;
  if (option && (option.required || option.optional)) {
    if (FILE_FLAGS.has(previous!)) return answer([], FILES);
    if (option.long === '--output') return answer(formatsOf(option));
    if (['--disable', '--enable', '--explain'].includes(option.long ?? '')) {
      const { LINT_RULES } = await import('../../analyses/lint/rules/index.js');
      return answer(LINT_RULES.map((rule) => rule.id));
    }
    if (option.long === '--context') return answer(await contextsFor(valuesOf(before, '--kubeconfig')[0], io));
    return answer(option.argChoices ? [...option.argChoices] : []);
  }
  if (current.startsWith('-')) return answer(command.options.flatMap((candidate) => [candidate.long, candidate.short].filter((flag): flag is string => Boolean(flag))).sort());
  if (commandName === 'who-uses' || previous === '--uses') return answer(await configNamesFor(valuesOf([...before, ...after], '-f', '--filename')));
  if (commandName === 'lint') return answer([], FILES);
  return answer([]);
}

async function contextsFor(kubeconfig: string | undefined, io: CliIo): Promise<string[]> {
  try {
    const [{ kubeconfigFiles }, { readKubeconfigFiles, contextNames }] = await Promise.all([import('../../sources/cluster/kubeconfig.js'), import('../../sources/cluster/kubeconfig-file.js')]);
    const { files } = kubeconfigFiles({ kubeconfig, env: io.env, timeoutMs: 0 });
    return contextNames(readKubeconfigFiles(files)).sort();
  } catch {
    return [];
  }
}

/** `cm/NAME` and `secret/NAME` of the configs declared in the -f files; the kinds alone without -f. */
async function configNamesFor(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return ['configmap/', 'cm/', 'secret/'];
  const { loadManifests } = await import('../../sources/manifests/index.js');
  const { configFromObject } = await import('../../extract/configs.js');
  const { objects } = loadManifests(paths, { defaultNamespace: 'default', readStdin: () => '' });
  const names = objects.map(configFromObject).flatMap((config) => (config ? [`${config.kind === 'Secret' ? 'secret' : 'cm'}/${config.name}`] : []));
  return [...new Set(names)].sort();
}
