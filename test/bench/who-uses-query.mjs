// Times the who-uses query itself on a graph loaded from a dump (load time reported apart).
// Usage: node test/bench/who-uses-query.mjs DUMP.json
import { loadManifests } from '../../dist/sources/manifests/index.js';
import { buildGraph } from '../../dist/graph/build.js';
import { whoUses } from '../../dist/graph/queries.js';

const started = performance.now();
const { objects } = loadManifests([process.argv[2]], { defaultNamespace: 'default' });
const { index } = buildGraph(objects, { type: 'manifests', paths: [process.argv[2]], now: new Date().toISOString() });
const loadedMs = performance.now() - started;
const queries = [...index.usersOf.keys()].slice(0, 200);
const queryStart = performance.now();
for (const ref of queries) {
  const [kind, namespace, name] = ref.split('/');
  whoUses(index, { kind, namespace, name, key: null });
}
const perQueryMs = (performance.now() - queryStart) / queries.length;
console.log(JSON.stringify({ loadedMs: Math.round(loadedMs), perQueryMs: Number(perQueryMs.toFixed(3)) }));
