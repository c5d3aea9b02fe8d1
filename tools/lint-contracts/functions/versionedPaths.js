import { isPlainObject } from './shared/openapi-operations.js';

const VERSION_PREFIX = /^\/v[1-9][0-9]*\//;

/** `/wallet/*` matches `/wallet/debit` and deeper; an entry without `*` matches exactly. */
function allowedBy(pattern, path) {
  if (pattern.endsWith('/*')) return path.startsWith(pattern.slice(0, -1));
  return path === pattern;
}

/**
 * Given `paths`: a breaking change to the platform API ships under a new `/v<N>/` prefix (brief §7),
 * so every path carries one, except the unversioned surfaces listed in the rule's `allow` option.
 */
export default function versionedPaths(paths, options, context) {
  if (!isPlainObject(paths)) return [];
  const allow = options?.allow ?? [];
  const results = [];
  for (const path of Object.keys(paths)) {
    if (VERSION_PREFIX.test(path) || allow.some((pattern) => allowedBy(pattern, path))) continue;
    results.push({
      message: `Path \`${path}\` has no version prefix: move it under \`/v1/\` (a breaking change later goes to \`/v2/\`), or, if it is deliberately unversioned, add it to the \`allow\` list of croupier-versioned-paths in .spectral.yaml with the reason.`,
      path: [...context.path, path],
    });
  }
  return results;
}
