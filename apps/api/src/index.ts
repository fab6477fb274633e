/**
 * @curator/api — the Curator HTTP API (routes and bodies: `CuratorApi` of
 * @curator/contracts) as a runtime-agnostic `Request -> Response` handler,
 * and the `UrlSigner` service behind its upload and media URLs. Never
 * imports media or ai (lint enforces `scope:api`).
 */
export * from "./ApiHandler.js"
export { CuratorApiHandlers, DEFAULT_TARGET_COUNT, MEDIA_URL_TTL_SECONDS, START_GRACE_SECONDS, UPLOAD_URL_TTL_SECONDS } from "./ApiHandlers.js"
export * from "./UrlSigner.js"
export { randomId } from "./internal/ids.js"
