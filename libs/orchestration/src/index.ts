/**
 * @curator/orchestration — pure: the state machines as ASL data, Retry/Catch
 * generated from the error table, the task-handler adapter and the
 * Orchestrator service interface. No media, store or AWS SDK imports, so CDK
 * (`infra`) and every worker can depend on it.
 */
export * from "./Asl.js"
export * from "./ErrorPolicy.js"
export * from "./FailureRecorders.js"
export * from "./SelectionPipeline.js"
export * from "./EnhancementPipeline.js"
export * from "./CaptionPipeline.js"
export * from "./DownloadPipeline.js"
export * from "./TaskHandler.js"
export * from "./TaskFailure.js"
export * from "./Orchestrator.js"
