// The floor for reading a dump: read the file and JSON.parse it, nothing else.
// Usage: node test/bench/json-parse-baseline.mjs DUMP.json
import { readFileSync } from 'node:fs';

const dump = JSON.parse(readFileSync(process.argv[2], 'utf8'));
console.log(`${dump.items?.length ?? 0} items`);
