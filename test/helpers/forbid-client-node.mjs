// Loaded with `node --import`: any import of @kubernetes/client-node fails loudly, so a test can
// prove that --help, lint and -f runs never load it (its import costs ~0.25 s).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
      if (specifier === '@kubernetes/client-node') throw new Error('kstale imported @kubernetes/client-node');
      return next(specifier, context);
    }`),
);
