import type { LintRule } from '../types.js';
import { duplicateObject } from './duplicate-object.js';
import { invalidEnvName } from './invalid-env-name.js';
import { invalidManifest } from './invalid-manifest.js';
import { missingConfig } from './missing-config.js';
import { missingKey } from './missing-key.js';
import { reloaderMisconfigured } from './reloader-misconfigured.js';
import { subpathConfigMount } from './subpath-config-mount.js';
import { unprotectedRestartReference } from './unprotected-restart-reference.js';
import { unusedConfig } from './unused-config.js';

/** Every lint rule; the id is the file name and the fixture folder (fixtures/lint/<id>/). */
export const LINT_RULES: readonly LintRule[] = [
  missingConfig,
  missingKey,
  invalidManifest,
  duplicateObject,
  unprotectedRestartReference,
  subpathConfigMount,
  reloaderMisconfigured,
  unusedConfig,
  invalidEnvName,
];
