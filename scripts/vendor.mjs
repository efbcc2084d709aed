// vendor.mjs: copy the browser files of the npm dependencies into
// web/vendor/ (gitignored), where the server serves them under /static/.
// Run by scripts/deps.sh after `npm ci`.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nm = join(root, 'node_modules');
const out = join(root, 'web', 'vendor');
const files = [
  ['leaflet/dist/leaflet.js', 'leaflet/leaflet.js'],
  ['leaflet/dist/leaflet.css', 'leaflet/leaflet.css'],
  ['leaflet/dist/images', 'leaflet/images'],
  ['leaflet.markercluster/dist/leaflet.markercluster.js',
    'markercluster/leaflet.markercluster.js'],
  ['leaflet.markercluster/dist/MarkerCluster.css',
    'markercluster/MarkerCluster.css'],
  ['leaflet.markercluster/dist/MarkerCluster.Default.css',
    'markercluster/MarkerCluster.Default.css'],
];

rmSync(out, { recursive: true, force: true });
for (const [from, to] of files) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
console.log(`vendor: ${files.length} entries copied to web/vendor/`);
