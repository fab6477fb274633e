/** Types of tools/scripts/bundle-lambda.mjs (see its header). */
export declare const LAMBDA_EXTERNALS: ReadonlyArray<string>
/** Optional native modules `ws` requires inside try/catch: left external, never installed. */
export declare const OPTIONAL_EXTERNALS: ReadonlyArray<string>
export declare const FORBIDDEN_INPUTS: ReadonlyArray<RegExp>
export declare const forbiddenInputs: (metafile: { readonly inputs: Record<string, unknown> }) => Array<string>
export declare const lambdaBundlePath: (app: string) => string
export declare const bundleLambda: (app: string, outfile?: string) => Promise<{ outfile: string; bytes: number; metafile: unknown }>
