// Copies the pinned front-end libraries from node_modules into the Django static tree.
// Run by `make assets` after `npm ci`; nothing is fetched at run time.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const out = "src/rectify/static/vendor";
const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts.min.js",
  // Prefecture boundaries of Guizhou: the map data echarts shipped until 4.x (installed as
  // the alias "echarts-maps"; echarts 6 above draws it). Only this one file is served.
  "echarts-maps/map/json/province/guizhou.json": "maps/guizhou.json",
};
mkdirSync(out, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  const target = join(out, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join("node_modules", from), target);
  console.log(`vendor: ${from} -> ${target}`);
}
