/**
 * The four state machine definitions as CloudFormation sees them: the JSON of
 * the SAME builders the local executor runs (@curator/orchestration
 * `selectionPipeline` / `enhancementPipeline` / `captionPipeline` /
 * `downloadPipeline`), with `${Placeholder}`s where
 * the deployed ARNs and table name go. CloudFormation fills them from
 * `DefinitionSubstitutions`, so the template holds the builders' JSON verbatim
 * and a test can substitute any ARNs back and compare with the builders' output.
 */
import { captionPipeline, downloadPipeline, enhancementPipeline, selectionPipeline } from "@curator/orchestration"

/** `DefinitionSubstitutions` keys (CloudFormation replaces `${Key}` in `DefinitionString`). */
export const Substitution = {
  thumbnailFunctionArn: "ThumbnailFunctionArn",
  selectionFunctionArn: "SelectionFunctionArn",
  photoFunctionArn: "EnhancementFunctionArn",
  videoFunctionArn: "VideoFunctionArn",
  captionFunctionArn: "CaptionFunctionArn",
  bundleFunctionArn: "BundleFunctionArn",
  tableName: "TableName"
} as const

const placeholder = (key: string) => `\${${key}}`

/** The selection machine's `DefinitionString` with placeholders for the thumbnail and selection functions and the table. */
export const selectionDefinitionTemplate = (): string =>
  JSON.stringify(
    selectionPipeline({
      thumbnailFunctionArn: placeholder(Substitution.thumbnailFunctionArn),
      selectionFunctionArn: placeholder(Substitution.selectionFunctionArn),
      tableName: placeholder(Substitution.tableName)
    })
  )

/** The enhancement machine's `DefinitionString` with placeholders for the photo and video functions and the table. */
export const enhancementDefinitionTemplate = (): string =>
  JSON.stringify(
    enhancementPipeline({
      photoFunctionArn: placeholder(Substitution.photoFunctionArn),
      videoFunctionArn: placeholder(Substitution.videoFunctionArn),
      tableName: placeholder(Substitution.tableName)
    })
  )

/** The caption machine's `DefinitionString` with placeholders for the caption function and the table. */
export const captionDefinitionTemplate = (): string =>
  JSON.stringify(
    captionPipeline({
      captionFunctionArn: placeholder(Substitution.captionFunctionArn),
      tableName: placeholder(Substitution.tableName)
    })
  )

/** The download machine's `DefinitionString` with placeholders for the bundle function and the table. */
export const downloadDefinitionTemplate = (): string =>
  JSON.stringify(
    downloadPipeline({
      bundleFunctionArn: placeholder(Substitution.bundleFunctionArn),
      tableName: placeholder(Substitution.tableName)
    })
  )

/**
 * What CloudFormation does with `DefinitionSubstitutions`: every `${key}` of
 * the map replaced by its value. Used by tests to put ARNs back; throws on a
 * placeholder left without a value (a typo would otherwise deploy as text).
 */
export const substitute = (template: string, values: Readonly<Record<string, string>>): string => {
  const out = template.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, key: string) => {
    const value = values[key]
    if (value === undefined) throw new Error(`no substitution for ${whole}`)
    return value
  })
  return out
}
