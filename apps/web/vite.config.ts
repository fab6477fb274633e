/**
 * Vite build of the browser app. The output goes to `dist/apps/web` at the
 * workspace root, which `curator serve` serves next to the API. In dev
 * (`vite` in this folder) `/api` and the blob routes are proxied to a running
 * `curator serve` given by CURATOR_URL (its 127.0.0.1 address, e.g.
 * http://127.0.0.1:4173: Node may not resolve `*.localhost`). Open the dev
 * page as `http://<port>.localhost:5173/` after the printed link: the
 * server's host-only cookie is then sent to the dev server too (cookies
 * ignore ports), and the proxy presents the server's own Host and Origin.
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
  server: target ? { proxy: Object.fromEntries(["/api", "/blob"].map((p) => [p, { target, changeOrigin: true, headers: { origin: target } }])) } : {}
})
