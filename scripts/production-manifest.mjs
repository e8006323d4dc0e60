// The Docker image's package.json: the package's dependencies and every optional peer the proxy loads (web
// framework, ledger drivers, metrics) as production dependencies, at the versions package-lock.json fixes;
// no dev dependencies, no scripts. Rewrites ./package.json in place (in the image's deps stage only).
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const manifest = {
  name: pkg.name,
  version: pkg.version,
  private: true,
  type: pkg.type,
  dependencies: { ...pkg.dependencies, ...pkg.peerDependencies },
};
writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
