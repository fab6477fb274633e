// Bundles one app entry with esbuild. Workspace packages (@curator/*) are
// bundled from source; npm packages stay external for the local CLI (native
// addons such as sharp and classic-level load from node_modules). Lambda
// images (issue "AWS") bundle npm packages too, except native ones.
//
// usage: node tools/scripts/bundle.mjs <entry.ts> <out.mjs>
import * as esbuild from "esbuild"

/** Marks every bare import except workspace packages as external. */
const externalNpm = {
  name: "external-npm",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@curator/")) return undefined
      return { path: args.path, external: true }
    })
  }
}

export const bundle = async (entry, outfile) =>
  esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [externalNpm],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" }
  })

if (import.meta.url === `file://${process.argv[1]}`) {
  const [entry, out] = process.argv.slice(2)
  if (!entry || !out) {
    console.error("usage: node tools/scripts/bundle.mjs <entry.ts> <out.mjs>")
    process.exit(2)
  }
  await bundle(entry, out)
}
