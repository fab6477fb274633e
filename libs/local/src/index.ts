/**
 * @curator/local — the local stack's orchestration: the in-process ASL
 * executor bound to the worker programs, the local `Orchestrator` layer and
 * start-up reconciliation. Imported by apps/cli only (it pulls dynalite's
 * client side and aws-local-stepfunctions, which no Lambda bundle may carry).
 */
export * from "./LocalExecutor.js"
export * from "./LocalOrchestrator.js"
export * from "./reconcile.js"
export * from "./LocalStack.js"
export * from "./DataDirLock.js"
/**
 * Gemini settings from the environment (null without GEMINI_API_KEY), for `LocalStackOptions.gemini`;
 * the start-up check of the configured models (`models.get`), how a configuration is described, and
 * how cost estimates are written.
 */
export { checkGeminiModels, describeGeminiConfig, formatUsd, type GeminiConfig, geminiConfigFromEnv } from "@curator/ai"
