import { KstaleError, isKstaleError } from '../model/errors.js';
import { jsonChunks, renderYaml, type RenderOptions } from '../report/index.js';
import { writeChunks, type CliIo } from './io.js';
import { renderOptionsFor, type SourceOptions } from './options.js';

/** One command's answer for one source: its kstale/v1 document, its rendering, its exit code. */
export type Answer = Readonly<{
  document: () => Record<string, unknown>;
  render: (options: RenderOptions) => string;
  code: number;
}>;

type Single = SourceOptions & { context?: string[] };

/** What one context says on stderr is told with its name: `kstale: [prod-eu] warning: …`. */
export function ioForContext(io: CliIo, context: string | undefined): CliIo {
  return context === undefined ? io : { ...io, stderr: (text) => io.stderr(text.replace(/^kstale: /gm, `kstale: [${context}] `)) };
}

/** The contexts asked for: undefined when it is one context (or the current one), as before. */
export async function contextsAskedFor(options: SourceOptions, io: CliIo): Promise<string[] | undefined> {
  if (options.allContexts) {
    if (options.filename?.length || options.kustomize?.length) throw new KstaleError('usage', '--all-contexts reads clusters: it cannot be combined with -f or -k');
    const [{ kubeconfigFiles }, { readKubeconfigFiles, contextNames }] = await Promise.all([import('../sources/cluster/kubeconfig.js'), import('../sources/cluster/kubeconfig-file.js')]);
    const { files } = kubeconfigFiles({ kubeconfig: options.kubeconfig, env: io.env, timeoutMs: 0 });
    const names = contextNames(readKubeconfigFiles(files));
    if (names.length === 0) throw new KstaleError('cluster', 'the kubeconfig has no contexts', { hint: 'pass --kubeconfig FILE' });
    return names;
  }
  const names = [...new Set(options.context ?? [])];
  return names.length > 1 ? names : undefined;
}

async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/**
 * Answers a command for one context as before, or for several (`--context a,b`,
 * `--all-contexts`) read concurrently (`--max-contexts`, default 4), each with its own
 * credentials, namespace and timeout. A context that fails is one line on stderr and one entry
 * in the output; the others are still answered; exit 2 when any failed. JSON and YAML print a
 * `kstale/v1` List whose items carry `context`; tables a leading CONTEXT column.
 */
export async function answerForContexts(options: SourceOptions, io: CliIo, answer: (options: Single, io: CliIo) => Promise<Answer>, setExitCode: (code: number) => void): Promise<void> {
  const contexts = await contextsAskedFor(options, io);
  if (!contexts) {
    const single = await answer(options, io);
    if (options.output === 'json') writeChunks(io, jsonChunks(single.document()));
    else io.stdout(single.render(await renderOptionsFor(options, io)));
    setExitCode(single.code);
    return;
  }
  const limit = Number(options.maxContexts ?? '4');
  if (!Number.isInteger(limit) || limit < 1) throw new KstaleError('usage', `--max-contexts "${options.maxContexts}" is not a positive whole number`);
  const answers = new Map<string, Answer>();
  const errors = new Map<string, string>();
  await runBounded(contexts, limit, async (context) => {
    try {
      answers.set(context, await answer({ ...options, context: [context] }, ioForContext(io, context)));
    } catch (error) {
      if (!isKstaleError(error)) throw error;
      errors.set(context, `${error.message}${error.hint ? ` (${error.hint})` : ''}`);
      io.stderr(`kstale: error: context "${context}": ${error.message}\n`);
    }
  });
  const answered = contexts.filter((context) => answers.has(context));
  const list = () => ({
    apiVersion: 'kstale/v1',
    kind: 'List',
    items: answered.map((context) => ({ ...answers.get(context)!.document(), context })),
    errors: contexts.filter((context) => errors.has(context)).map((context) => ({ context, message: errors.get(context)! })),
  });
  if (options.output === 'json') writeChunks(io, jsonChunks(list()));
  else if (options.output === 'yaml') io.stdout(renderYaml(list()));
  else {
    const render = await renderOptionsFor(options, io);
    answered.forEach((context, index) => {
      const text = answers.get(context)!.render({ ...render, context });
      io.stdout(`${index > 0 ? '\n' : ''}${context}: ${text}${text.endsWith('\n') ? '' : '\n'}`);
    });
    for (const context of contexts.filter((candidate) => errors.has(candidate))) io.stdout(`${context}: not answered: ${errors.get(context)}\n`);
  }
  setExitCode(Math.max(0, ...answered.map((context) => answers.get(context)!.code), errors.size > 0 ? 2 : 0));
}
