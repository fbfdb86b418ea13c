// Times `kstale lint` on the shared corpus against parsing the same files with js-yaml alone.
// Usage: node test/bench/lint-vs-parse.mjs [PATH] [--runs N]. Prints medians and the ratio.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const runsIndex = args.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 7;
const target = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--runs') ?? `${root}../shared/corpus`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(command) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, command, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0 && result.status !== 1) throw new Error(`${command.join(' ')} exited ${result.status}: ${result.stderr}`);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const parse = time(['test/bench/parse-baseline.mjs', target]);
const lint = time(['bin/kstale.js', 'lint', target, '-o', 'json']);
console.log(`target: ${target} (median of ${runs} runs)`);
console.log(`js-yaml parse only: ${parse.toFixed(0)} ms`);
console.log(`kstale lint:        ${lint.toFixed(0)} ms`);
console.log(`ratio:              ${(lint / parse).toFixed(2)}x`);
