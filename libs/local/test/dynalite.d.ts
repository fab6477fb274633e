// dynalite 4 ships no types; the tests use only its factory.
declare module "dynalite" {
  import type { Server } from "node:http"
  const dynalite: (options?: { readonly createTableMs?: number; readonly deleteTableMs?: number; readonly updateTableMs?: number }) => Server
  export default dynalite
}
