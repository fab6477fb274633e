/**
 * @curator/contracts — effect Schemas for every media item, task event/result,
 * stored record and API body, and THE error table. Imported by every other
 * project, including the browser app, so it holds no Node or SDK code.
 */
export * from "./MediaItem.js"
export * from "./Selection.js"
export * from "./Tasks.js"
export * from "./Records.js"
export * from "./errors.js"
export * from "./ErrorTable.js"
export * from "./Api.js"
export * from "./Enhancement.js"
export * from "./EnhancementJobs.js"
export * from "./Posts.js"
export * from "./SecurityHeaders.js"
