#!/usr/bin/env bash
# `nx run web:deploy` (FrontendPipelineStack's CodeBuild, never run on a laptop): uploads the built
# web app (dist/apps/web, from `web:build`) to the web bucket and invalidates CloudFront.
# - hashed assets (assets/*) are immutable: cached for a year;
# - index.html (and anything else unhashed) is revalidated on every load, so a deploy shows at once;
# - --delete removes files of older builds (their hashed names are no longer referenced).
# - config.json (cloud mode: the Cognito sign-in settings) is written first by web-config.mjs from
#   CURATOR_COGNITO_USER_POOL_ID, CURATOR_COGNITO_CLIENT_ID, CURATOR_COGNITO_DOMAIN, AWS_REGION
#   (optional CURATOR_WEB_LOGOUT_URI); it is unhashed, so it goes with no-cache.
# Needs the AWS CLI and CURATOR_WEB_BUCKET, CURATOR_DISTRIBUTION_ID (FrontendStack outputs).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CURATOR_WEB_BUCKET:?set CURATOR_WEB_BUCKET (FrontendStack output WebBucketName)}"
: "${CURATOR_DISTRIBUTION_ID:?set CURATOR_DISTRIBUTION_ID (FrontendStack output DistributionId)}"
dist=dist/apps/web
[ -f "$dist/index.html" ] || { echo "deploy-web: $dist/index.html missing: run nx run web:build first" >&2; exit 1; }
# A staged copy gets config.json, so dist/apps/web never holds it (it would put a local
# `curator serve` of the same checkout into cloud mode).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$dist/." "$stage/"
node tools/scripts/web-config.mjs --out "$stage/config.json"
aws s3 sync "$stage" "s3://$CURATOR_WEB_BUCKET" --delete --exclude "*" --include "assets/*" \
  --cache-control "public, max-age=31536000, immutable"
aws s3 sync "$stage" "s3://$CURATOR_WEB_BUCKET" --delete --exclude "assets/*" \
  --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$CURATOR_DISTRIBUTION_ID" --paths "/*" >/dev/null
echo "deploy-web: uploaded $dist to s3://$CURATOR_WEB_BUCKET and invalidated $CURATOR_DISTRIBUTION_ID"
