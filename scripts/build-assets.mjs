// Copies the pinned front-end libraries from node_modules into the Django static tree.
// Run by `make assets` after `npm ci`; nothing is fetched at run time.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const out = "src/rectify/static/vendor";
const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts.min.js",
};
mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join("node_modules", from), target);
  console.log(`vendor: ${from} -> ${target}`);
}
