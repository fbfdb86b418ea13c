import { Command } from 'commander';
import { descriptionOf } from './catalog.js';
import { GRAPH_FORMATS, graphDocument } from '../../report/index.js';
import type { CliIo } from '../io.js';
import { answerForContexts } from '../contexts.js';
import { exitCodeForProblems, loadGraph } from '../load-source.js';
import { addSourceOptions, checkFormat, resolveNow, type SourceOptions } from '../options.js';

const FORMATS = Object.keys(GRAPH_FORMATS);

export function graphCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('graph')
    .description(descriptionOf('graph'))
    .addHelpText('after', `
Examples:
  kstale graph -f k8s/                       # table of every reference
  kstale graph -f k8s/ -o json > graph.json  # the kstale/v1 Graph document
  kstale graph -f k8s/ -o dot | dot -Tsvg > graph.svg
  helm template my-release ./chart | kstale graph -f - -o mermaid`);
  addSourceOptions(command, FORMATS).action(async (options: SourceOptions) => {
    checkFormat(options.output, FORMATS);
    const now = resolveNow(options.now, io);
    await answerForContexts(options, io, async (single, contextIo) => {
      const { loaded, built } = await loadGraph(single, contextIo, now);
      const { graph } = built;
      return { document: () => graphDocument(graph), render: (render) => GRAPH_FORMATS[options.output]!(graph, render), code: exitCodeForProblems(loaded.problems) };
    }, setExitCode);
  });
  return command;
}
