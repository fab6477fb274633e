/** Types of tools/scripts/bundle-lambda.mjs (see its header). */
export declare const LAMBDA_EXTERNALS: ReadonlyArray<string>
/** Optional native modules `ws` requires inside try/catch: left external, never installed. */
export declare const OPTIONAL_EXTERNALS: ReadonlyArray<string>
export declare const FORBIDDEN_INPUTS: ReadonlyArray<RegExp>
/** Inputs that only work at their node_modules path (exiftool-vendored.pl): provided by the image instead. */
export declare const PATH_RESOLVED_INPUTS: ReadonlyArray<RegExp>
/** Data files bundled packages read from their own folder: copied next to the bundle. */
export declare const DATA_ASSETS: ReadonlyArray<{ readonly input: RegExp; readonly file: string }>
/** The DATA_ASSETS files (workspace-relative) a metafile's inputs need. */
export declare const dataAssets: (metafile: { readonly inputs: Record<string, unknown> }) => Array<string>
export declare const forbiddenInputs: (metafile: { readonly inputs: Record<string, unknown> }) => Array<string>
export declare const lambdaBundlePath: (app: string) => string
export declare const bundleLambda: (app: string, outfile?: string) => Promise<{ outfile: string; bytes: number; metafile: unknown }>
