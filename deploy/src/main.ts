/**
 * The CDK app entry (`cdk synth|deploy --app "node dist/deploy/app.mjs"`,
 * bundled by `nx run infra:synth`). Context: see `readConfig` in config.ts.
 */
import { buildApp } from "./app.js"

buildApp().app.synth()
