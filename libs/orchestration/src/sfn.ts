/**
 * @curator/orchestration/sfn — the `Orchestrator` on AWS Step Functions
 * (`SfnOrchestrator.layer` / `.layerFromEnv`). A separate entry point so the
 * pure lib (`@curator/orchestration`, used by `infra`, the workers and the
 * local CLI) never pulls `@aws-sdk/client-sfn`; only the API Lambda imports it.
 */
export * from "./SfnOrchestrator.js"
