/** Types of tools/scripts/docker-build.mjs (see its header). */
export declare const imageKind: (app: string) => "light" | "heavy"
export declare const dockerBuildCommands: (app: string, env?: Readonly<Record<string, string | undefined>>) => Array<[string, Array<string>]>
