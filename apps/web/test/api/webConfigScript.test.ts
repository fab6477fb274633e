/**
 * tools/scripts/web-config.mjs (run by deploy-web.sh before the sync) run as
 * the pipeline runs it; its output must be what the app accepts.
 */
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { parseCloudConfig } from "../../src/api/WebConfig.js"

const root = path.resolve(import.meta.dirname, "../../../..")
const script = path.join(root, "tools/scripts/web-config.mjs")

const ENV = {
  AWS_REGION: "eu-west-1",
  CURATOR_COGNITO_USER_POOL_ID: "eu-west-1_AbCdEf123",
  CURATOR_COGNITO_CLIENT_ID: "4abc123def456ghi789jkl0mno",
  CURATOR_COGNITO_DOMAIN: "curator-demo.auth.eu-west-1.amazoncognito.com"
}

const run = (env: Record<string, string>) => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "curator-web-config-")), "config.json")
  const { PATH, HOME } = process.env
  const result = spawnSync(process.execPath, [script, "--out", out], { env: { PATH: PATH ?? "", HOME: HOME ?? "", ...env }, encoding: "utf8" })
  return { status: result.status, stderr: result.stderr, out }
}

describe("web-config.mjs", () => {
  it("writes a config.json the app parses as cloud mode, with the authority built from region and pool", () => {
    const { status, stderr, out } = run(ENV)
    expect(stderr).toBe("")
    expect(status).toBe(0)
    const config = parseCloudConfig(JSON.parse(fs.readFileSync(out, "utf8")))
    expect(config).toEqual({
      mode: "cloud",
      auth: {
        authority: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
        clientId: "4abc123def456ghi789jkl0mno",
        redirectPath: "/auth/callback",
        scope: "openid email",
        domain: "https://curator-demo.auth.eu-west-1.amazoncognito.com"
      }
    })
  })

  it("accepts the domain as an https URL and an optional logout URI", () => {
    const { status, out } = run({ ...ENV, CURATOR_COGNITO_DOMAIN: "https://login.example.com/", CURATOR_WEB_LOGOUT_URI: "https://d111.cloudfront.net/" })
    expect(status).toBe(0)
    const config = parseCloudConfig(JSON.parse(fs.readFileSync(out, "utf8")))
    expect(config.auth.domain).toBe("https://login.example.com")
    expect(config.auth.logoutUri).toBe("https://d111.cloudfront.net/")
  })

  it("exits 1 naming every missing or malformed variable, and writes nothing", () => {
    const missing = run({ AWS_REGION: "eu-west-1" })
    expect(missing.status).toBe(1)
    for (const name of ["CURATOR_COGNITO_USER_POOL_ID", "CURATOR_COGNITO_CLIENT_ID", "CURATOR_COGNITO_DOMAIN"]) expect(missing.stderr).toContain(`${name} is not set`)
    expect(fs.existsSync(missing.out)).toBe(false)
    const wrongRegion = run({ ...ENV, CURATOR_COGNITO_USER_POOL_ID: "us-east-1_AbCdEf123" })
    expect(wrongRegion.status).toBe(1)
    expect(wrongRegion.stderr).toContain("is not a pool of eu-west-1")
  })
})
