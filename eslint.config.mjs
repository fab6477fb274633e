// Root ESLint flat config. Module boundaries follow ARCHITECTURE.md "Layout" and STYLE.md §8:
// tags in two dimensions (type:*, runtime:*) plus scope:* for the few hard rules
// (the API never imports media or ai; only the CLI imports the local stack).
import nx from "@nx/eslint-plugin"
import tseslint from "typescript-eslint"

export default [
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.nx/**", "**/vite.config.*.timestamp*", "**/test-output/**"] },
  ...nx.configs["flat/base"],
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: "latest", sourceType: "module" } },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          // The local server (apps/cli) mounts the API handler (ARCHITECTURE.md "Layout": apps/api is
          // "mounted by the local server"); Nx forbids importing an app unless allowed here.
          allow: ["@curator/api"],
          depConstraints: [
            { sourceTag: "type:contracts", onlyDependOnLibsWithTags: ["type:contracts"] },
            { sourceTag: "type:data-access", onlyDependOnLibsWithTags: ["type:data-access", "type:contracts"] },
            { sourceTag: "type:feature", onlyDependOnLibsWithTags: ["type:feature", "type:data-access", "type:contracts"] },
            { sourceTag: "type:local", onlyDependOnLibsWithTags: ["type:feature", "type:data-access", "type:contracts"] },
            { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:feature", "type:data-access", "type:contracts"] },
            { sourceTag: "type:cli", onlyDependOnLibsWithTags: ["type:local", "type:feature", "type:data-access", "type:contracts"] },
            { sourceTag: "type:e2e", onlyDependOnLibsWithTags: ["type:feature", "type:data-access", "type:contracts"] },
            { sourceTag: "type:infra", onlyDependOnLibsWithTags: ["type:contracts", "scope:orchestration"] },
            { sourceTag: "type:util", onlyDependOnLibsWithTags: ["*"] },
            { sourceTag: "scope:api", notDependOnLibsWithTags: ["scope:media", "scope:ai", "scope:local"] },
            { sourceTag: "scope:orchestration", notDependOnLibsWithTags: ["scope:media", "scope:ai", "scope:local", "scope:store"] },
            { sourceTag: "runtime:universal", onlyDependOnLibsWithTags: ["runtime:universal"] },
            { sourceTag: "runtime:browser", onlyDependOnLibsWithTags: ["runtime:browser", "runtime:universal"], bannedExternalImports: ["sharp", "@aws-sdk/*", "@google/genai", "aws-cdk-lib", "dynalite", "fluent-ffmpeg", "node:*"] },
            { sourceTag: "runtime:universal", bannedExternalImports: ["sharp", "@aws-sdk/*", "@google/genai", "aws-cdk-lib", "dynalite", "fluent-ffmpeg", "node:*"] }
          ]
        }
      ]
    }
  },
  {
    // Lambda apps never pull the local side of a lib (dynalite, local executor) into their bundle.
    files: ["apps/*-worker/src/**/*.ts", "apps/api/src/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["@curator/store/local", "@curator/local", "dynalite", "aws-local-stepfunctions"] }] }
  },
  {
    // The CLI runs on one machine and never needs AWS.
    files: ["apps/cli/src/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["@curator/store/aws", "@aws-sdk/client-s3", "@aws-sdk/client-sfn"] }] }
  },
  {
    // Vitest configs share tools/vitest.preset.ts by relative path (a config file, not a module dependency).
    files: ["**/vitest.config.ts"],
    rules: { "@nx/enforce-module-boundaries": "off" }
  }
]
