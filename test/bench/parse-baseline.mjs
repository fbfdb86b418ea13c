// Baseline for kstale's own reading: parse the same files with js-yaml alone (no kstale).
// Usage: node test/bench/parse-baseline.mjs PATH... — directories are walked like kstale -f does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

function walk(path, files) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) if (!entry.startsWith('.')) walk(join(path, entry), files);
  } else if (/\.(ya?ml|json)$/i.test(path)) files.push(path);
  return files;
}

let documents = 0;
for (const file of process.argv.slice(2).flatMap((path) => walk(path, []))) {
  const text = readFileSync(file, 'utf8');
  try {
    yaml.loadAll(text, () => documents++);
  } catch {
    // the baseline only measures parsing; kstale reports these files
  }
}
console.log(`${documents} documents`);
