// The floor for reading a dump, as issue 13 names it: JSON.parse(readFileSync(f)), nothing else.
// The bytes are decoded by JSON.parse's String(buffer); on Node 20 that is faster than
// readFileSync(f, 'utf8') (about 1.1 s against 2 s for 171 MB here), so this is the harder floor.
// Usage: node test/bench/json-parse-baseline.mjs DUMP.json
import { readFileSync } from 'node:fs';

const dump = JSON.parse(readFileSync(process.argv[2]));
console.log(`${dump.items?.length ?? 0} items`);
