// Loaded with `node --import`: writes every module URL the program resolves to stderr, one per
// line after "import: ", so a test can see what a command loads at start-up.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      if (!resolved.url.startsWith('node:')) process.stderr.write('import: ' + resolved.url + '\\n');
      return resolved;
    }`),
);
