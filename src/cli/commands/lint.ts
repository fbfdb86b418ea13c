import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import { descriptionOf } from './catalog.js';
import { matchesExternal, parseExternalPattern, type ExternalPattern } from '../../analyses/lint/external.js';
import { LINT_RULES } from '../../analyses/lint/rules/index.js';
import { activeRules, runLint, type LintReport } from '../../analyses/lint/run-lint.js';
import { buildGraph } from '../../graph/build.js';
import { KstaleError } from '../../model/errors.js';
import type { Finding, Severity } from '../../model/finding.js';
import { LINT_FORMATS } from '../../report/index.js';
import { STDIN_NAME } from '../../sources/manifests/index.js';
import type { CliIo } from '../io.js';
import { DEFAULT_NAMESPACE, loadLocalSources } from '../load-source.js';
import { checkFormat, jobsOption, renderOptionsFor, resolveNow } from '../options.js';

const FORMATS = Object.keys(LINT_FORMATS);
const RULE_IDS = LINT_RULES.map((rule) => rule.id);

type LintOptions = {
  jobs?: string;
  filename: string[];
  kustomize: string[];
  helmValues: string[];
  namespace?: string;
  output: string;
  failOn: Severity;
  disable: string[];
  enable: string[];
  assumeExists: string[];
  external: string[];
  kubeVersion?: string;
  explain?: string;
  color: boolean;
  now?: string;
};

const collect = (value: string, previous: string[]) => [...previous, value];

function checkRuleIds(ids: readonly string[], flag: string): void {
  const unknown = ids.filter((id) => !RULE_IDS.includes(id));
  if (unknown.length > 0) throw new KstaleError('usage', `${flag}: unknown rule ${unknown.map((id) => `"${id}"`).join(', ')}`, { hint: `rules: ${RULE_IDS.join(', ')}` });
}

function parsePatterns(values: readonly string[], flag: string): ExternalPattern[] {
  return values.map((value) => {
    const pattern = parseExternalPattern(value);
    if (!pattern) throw new KstaleError('usage', `${flag} "${value}" is not a config pattern`, { hint: 'write cm/NAME, secret/NAME or secret/NAMESPACE/NAME; * and ? match any characters' });
    return pattern;
  });
}

export function parseKubeVersion(text: string | undefined): [number, number] | null {
  if (text === undefined) return null;
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(text.trim());
  if (!match) throw new KstaleError('usage', `--kube-version "${text}" is not a Kubernetes version`, { hint: 'example: --kube-version 1.31' });
  return [Number(match[1]), Number(match[2])];
}

function explain(id: string): string {
  const rule = LINT_RULES.find((candidate) => candidate.id === id)!;
  return `${rule.id} (${rule.severity}${rule.enabledByDefault ? '' : ', off by default'})\n\n${rule.summary}\n\n${rule.remediation}\n`;
}

/** Paths as the user's working directory sees them: SARIF and CI annotations want relative ones. */
function relativeFindings(report: LintReport, cwd: string): LintReport {
  // Thousands of findings share a few hundred files: each path is made relative once.
  const relativeOf = new Map<string, string>();
  const relativeFile = (file: string | null) => {
    if (file === null || file === STDIN_NAME) return file;
    let relativePath = relativeOf.get(file);
    if (relativePath === undefined) relativeOf.set(file, (relativePath = relative(cwd, resolve(cwd, file)) || file));
    return relativePath;
  };
  const fix = (finding: Finding): Finding => ({ ...finding, file: relativeFile(finding.file) });
  return { ...report, findings: report.findings.map(fix), suppressed: report.suppressed.map(fix) };
}

export function lintCommand(io: CliIo, setExitCode: (code: number) => void, toolVersion: string): Command {
  const command = new Command('lint')
    .description(descriptionOf('lint'))
    .argument('[paths...]', 'manifest files or directories (recursive); - reads stdin')
    .option('-f, --filename <path>', 'also read this file or directory (repeatable)', collect, [])
    .option('-k, --kustomize <dir>', 'a kustomize overlay, rendered with kubectl kustomize (repeatable)', collect, [])
    .option('--helm-values <file>', 'values file for Helm charts in the paths (rendered with helm template when installed; repeatable)', collect, [])
    .option('-n, --namespace <ns>', 'namespace of objects that name none', DEFAULT_NAMESPACE)
    .addOption(jobsOption())
    .addOption(new Option('-o, --output <format>', `output format: ${FORMATS.join('|')}`).default('table'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse remains').choices(['error', 'warning', 'info']).default('error'))
    .option('--disable <rule>', 'turn a rule off (repeatable)', collect, [])
    .option('--enable <rule>', 'turn on a rule that is off by default (repeatable)', collect, [])
    .option('--assume-exists <config>', 'a config made elsewhere: cm/NAME, secret/NS/NAME (repeatable)', collect, [])
    .option('--external <pattern>', 'configs made elsewhere, by glob: cm/*, secret/vault-* (repeatable)', collect, [])
    .option('--kube-version <version>', 'the cluster version the manifests target, e.g. 1.31 (enables invalid-env-name below 1.32)')
    .option('--explain <rule>', 'print why a rule matters and how to fix its findings')
    .option('--no-color', 'never colour the output (also NO_COLOR=1)')
    .option('--now <time>', 'the current time, RFC 3339')
    .addHelpText('after', `
Rules: ${RULE_IDS.join(', ')}

Examples:
  kstale lint k8s/                                   # table; exit 1 on errors
  kstale lint k8s/ -o sarif > kstale.sarif           # GitHub code scanning
  kstale lint k8s/ -o github --fail-on warning       # annotations in a GitHub Actions log
  kstale lint k8s/ --external 'secret/vault-*' --assume-exists cm/cluster-info
  helm template release ./chart | kstale lint -
  kstale lint --explain missing-key`);
  command.action(async (paths: string[], options: LintOptions) => {
    if (options.explain !== undefined) {
      checkRuleIds([options.explain], '--explain');
      io.stdout(explain(options.explain));
      return;
    }
    checkFormat(options.output, FORMATS);
    checkRuleIds(options.disable, '--disable');
    checkRuleIds(options.enable, '--enable');
    const patterns = [...parsePatterns(options.assumeExists, '--assume-exists'), ...parsePatterns(options.external, '--external')];
    const kubeVersion = parseKubeVersion(options.kubeVersion);
    const allPaths = [...paths, ...options.filename];
    if (allPaths.length === 0 && options.kustomize.length === 0) throw new KstaleError('usage', 'lint needs files or directories', { hint: 'kstale lint k8s/ (or - for stdin, or -k overlay/)' });
    const now = resolveNow(options.now, io);
    const { objects, problems } = await loadLocalSources({ filename: allPaths, kustomize: options.kustomize, helmValues: options.helmValues, namespace: options.namespace === DEFAULT_NAMESPACE ? undefined : options.namespace, jobs: options.jobs }, io);
    if (objects.length === 0 && problems.some((problem) => problem.code === 'unreadable')) {
      for (const problem of problems.filter((candidate) => candidate.severity === 'error')) io.stderr(`kstale: error: ${problem.file}: ${problem.message}\n`);
      throw new KstaleError('input', 'no input could be read');
    }
    // Skipped inputs (a Helm chart without helm, a kustomization) are no findings, but say so.
    for (const problem of problems.filter((candidate) => candidate.severity === 'notice')) io.stderr(`kstale: ${problem.file ? `${problem.file}: ` : ''}${problem.message}\n`);
    // The configs nothing uses are looked for only when their rule runs (it is off by default).
    const unused = activeRules({ disable: options.disable, enable: options.enable }).some((rule) => rule.id === 'unused-config');
    const built = buildGraph(objects, { type: 'manifests', paths: [...allPaths, ...options.kustomize.map((dir) => `-k ${dir}`)], now }, { unused });
    const report = runLint({ built, problems, kubeVersion, isExternal: (config) => matchesExternal(patterns, config) }, { disable: options.disable, enable: options.enable, failOn: options.failOn });
    const cwd = process.cwd();
    const view = { report: relativeFindings(report, cwd), toolVersion, srcRootUri: `${pathToFileURL(cwd).href}/` };
    io.stdout(LINT_FORMATS[options.output]!(view, await renderOptionsFor({ color: options.color }, io)));
    setExitCode(report.summary.failed ? 1 : 0);
  });
  return command;
}
