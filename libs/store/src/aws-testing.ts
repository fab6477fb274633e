/** Test stand-ins for the AWS entry point's neighbours (not for production code). */
export * from "./testing/SsmStandIn.js"
