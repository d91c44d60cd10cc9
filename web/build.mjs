// SPDX-License-Identifier: Apache-2.0
// Bundles the page into one folder that `voxface serve` reads at start (--web-dir):
// index.html, app.js, app.css, capture-worklet.js, favicon.svg. No runtime downloads: everything
// the page needs is in that folder.
//
//   node build.mjs --outdir DIR [--watch]
//
// esbuild is resolved from VOXFACE_NODE_MODULES (the build tree's node_modules, where CMake runs
// `npm ci`) when set, else from web/node_modules.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: { outdir: { type: "string", default: join(here, "dist") }, watch: { type: "boolean" } },
});
const modules = process.env.VOXFACE_NODE_MODULES;
const require = createRequire(modules ? join(modules, "..", "package.json") : import.meta.url);
const esbuild = require("esbuild");

const outdir = resolve(args.outdir);
const src = join(here, "src");
// A clean folder each time, so a renamed file does not linger and get served.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
for (const file of ["index.html", "favicon.svg"]) cpSync(join(src, file), join(outdir, file));

const options = {
  // main.ts imports styles.css, so esbuild writes app.css beside app.js.
  entryPoints: { app: join(src, "main.ts"), "capture-worklet": join(src, "capture-worklet.ts") },
  outdir,
  bundle: true,
  format: "esm",
  target: ["chrome109", "firefox115", "safari16"],
  minify: !args.watch,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
};

if (args.watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log(`web: watching; bundle in ${outdir}`);
} else {
  await esbuild.build(options);
  console.log(`web: bundled into ${outdir}`);
}
