/** The part of madge 8's API the import-graph test uses (the package ships no types). */
declare module "madge" {
  interface MadgeConfig {
    readonly fileExtensions?: ReadonlyArray<string>
    readonly tsConfig?: string
    readonly detectiveOptions?: { readonly ts?: { readonly skipTypeImports?: boolean }; readonly tsx?: { readonly skipTypeImports?: boolean } }
  }
  interface MadgeInstance {
    /** Each file (relative to the scanned folder) with the files it imports. */
    obj(): Record<string, Array<string>>
    /** Every import cycle, as the files along it. */
    circular(): Array<Array<string>>
    /** Imports madge could not resolve to a file (npm packages, or a broken relative import). */
    warnings(): { skipped: Array<string> }
  }
  const madge: (path: string, config?: MadgeConfig) => Promise<MadgeInstance>
  export default madge
}
