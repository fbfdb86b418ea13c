// Serves a `kubectl get -o json` dump through the fake API server in its own process, so that
// kubectl and kstale are measured against the same server. Prints the kubeconfig path.
// Usage: node test/bench/serve.mjs DUMP.json   (needs the test build: tsc -p test/tsconfig.json)
import { readFileSync } from 'node:fs';
import { FakeApiServer } from '../../.test-dist/test/helpers/fake-api-server.js';

const dump = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// TLS: kubectl sends no bearer token over plain http.
const server = await new FakeApiServer(dump.items).start({ tls: true });
process.stdout.write(`${server.kubeconfig({ insecure: true })}\n`);
process.on('SIGTERM', async () => {
  await server.stop();
  process.exit(0);
});
