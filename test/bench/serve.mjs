// Serves a `kubectl get -o json` dump through the fake API server in its own process, so that
// kubectl and kstale are measured against the same server. Prints the kubeconfig path.
// Usage: node test/bench/serve.mjs DUMP.json   (needs the test build: tsc -p test/tsconfig.json)
import { closeSync, openSync } from 'node:fs';
import { FakeApiServer } from '../../.test-dist/test/helpers/fake-api-server.js';
import { fileSource, parseJsonList } from '../../dist/sources/manifests/json-list.js';

// Read item by item: a dump of 100k pods is longer than one string may be.
const fd = openSync(process.argv[2], 'r');
const dump = parseJsonList(fileSource(fd))[0].value;
closeSync(fd);
// TLS: kubectl sends no bearer token over plain http.
const server = await new FakeApiServer(dump.items).start({ tls: true });
process.stdout.write(`${server.kubeconfig({ insecure: true })}\n`);
process.on('SIGTERM', async () => {
  await server.stop();
  process.exit(0);
});
