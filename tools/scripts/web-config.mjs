// Writes the web app's cloud-mode config (apps/web/src/api/WebConfig.ts, `CloudConfig`) from the
// environment, after `nx run web:build` and before the sync to the web bucket (deploy-web.sh):
//
//   { "mode": "cloud",
//     "auth": { "authority": "https://cognito-idp.<AWS_REGION>.amazonaws.com/<CURATOR_COGNITO_USER_POOL_ID>",
//               "clientId": "<CURATOR_COGNITO_CLIENT_ID>", "redirectPath": "/auth/callback",
//               "scope": "openid email", "domain": "https://<CURATOR_COGNITO_DOMAIN>",
//               "logoutUri": "<CURATOR_WEB_LOGOUT_URI>" (only when set) } }
//
// - CURATOR_COGNITO_DOMAIN: the Hosted UI domain, as a host name
//   (`<prefix>.auth.<region>.amazoncognito.com` or a custom domain) or an https URL; written as its
//   https origin (no trailing slash).
// - CURATOR_WEB_LOGOUT_URI (optional): where Cognito returns after sign-out; the app defaults to
//   `<origin>/`. Must be one of the app client's sign-out URLs either way.
// - The user pool id must belong to AWS_REGION (`<region>_<id>`), which catches a pipeline wired to
//   the wrong region before the app fails to sign in.
// Exits 1 naming every missing or malformed variable; writes nothing then.
//
// usage: node tools/scripts/web-config.mjs [--out <file>]   (default dist/apps/web/config.json)
import { mkdirSync, writeFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** The config of `env`, or the list of problems. */
export const webConfig = (env) => {
  const problems = []
  const need = (name) => {
    const value = (env[name] ?? "").trim()
    if (value === "") problems.push(`${name} is not set`)
    return value
  }
  const region = need("AWS_REGION")
  const poolId = need("CURATOR_COGNITO_USER_POOL_ID")
  const clientId = need("CURATOR_COGNITO_CLIENT_ID")
  const domainValue = need("CURATOR_COGNITO_DOMAIN")
  if (region !== "" && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push(`AWS_REGION "${region}" is not a region name`)
  if (poolId !== "" && !poolId.startsWith(`${region}_`)) problems.push(`CURATOR_COGNITO_USER_POOL_ID "${poolId}" is not a pool of ${region} (<region>_<id>)`)
  if (clientId !== "" && !/^[A-Za-z0-9_+-]{1,128}$/.test(clientId)) problems.push(`CURATOR_COGNITO_CLIENT_ID "${clientId}" is not an app client id`)
  let domain = ""
  if (domainValue !== "") {
    try {
      const url = new URL(/^https?:\/\//.test(domainValue) ? domainValue : `https://${domainValue}`)
      if (url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "")) throw new Error("not an https origin")
      domain = url.origin
    } catch {
      problems.push(`CURATOR_COGNITO_DOMAIN "${domainValue}" is not a host name or https origin`)
    }
  }
  const logoutUri = (env["CURATOR_WEB_LOGOUT_URI"] ?? "").trim()
  if (logoutUri !== "" && !/^https:\/\/[^/?#]+(\/[^?#]*)?$/.test(logoutUri)) problems.push(`CURATOR_WEB_LOGOUT_URI "${logoutUri}" is not an https URL`)
  if (problems.length > 0) return { problems }
  return {
    config: {
      mode: "cloud",
      auth: {
        authority: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
        clientId,
        redirectPath: "/auth/callback",
        scope: "openid email",
        domain,
        ...(logoutUri !== "" ? { logoutUri } : {})
      }
    }
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--out")
  const out = path.resolve(at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : path.join(root, "dist/apps/web/config.json"))
  const result = webConfig(process.env)
  if (result.problems) {
    for (const p of result.problems) console.error(`web-config: ${p}`)
    process.exit(1)
  }
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result.config, null, 2)}\n`)
  console.log(`web-config: wrote ${path.relative(root, out) || out} (cloud mode, client ${result.config.auth.clientId})`)
}
