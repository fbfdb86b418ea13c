import { Command } from 'commander';
import { descriptionOf } from './catalog.js';
import { GRAPH_FORMATS, graphDocument, jsonChunks } from '../../report/index.js';
import { writeChunks, type CliIo } from '../io.js';
import { exitCodeForProblems, loadGraph } from '../load-source.js';
import { addSourceOptions, checkFormat, renderOptionsFor, resolveNow, type SourceOptions } from '../options.js';

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
    const { loaded, built } = await loadGraph(options, io, now);
    const { graph } = built;
    if (options.output === 'json') writeChunks(io, jsonChunks(graphDocument(graph)));
    else io.stdout(GRAPH_FORMATS[options.output]!(graph, await renderOptionsFor(options, io)));
    setExitCode(exitCodeForProblems(loaded.problems));
  });
  return command;
}
