/**
 * Vite build of the browser app. The output goes to `dist/apps/web` at the
 * workspace root, which `curator serve` serves next to the API. In dev
 * (`vite` in this folder) `/api` and the blob routes are proxied to a running
 * `curator serve` given by CURATOR_URL (e.g. http://127.0.0.1:4173).
 */
import preact from "@preact/preset-vite"
import path from "node:path"
import { defineConfig } from "vite"

const target = process.env["CURATOR_URL"]

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: {
    outDir: path.resolve(import.meta.dirname, "../../dist/apps/web"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true
  },
  server: target ? { proxy: { "/api": target, "/blob": target } } : {}
})
