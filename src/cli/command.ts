import type { Config } from '../config.ts';

export type CommandInput = { config: Config; options: Record<string, string | boolean | undefined>; args: string[] };
/** A CLI command: returns the process exit code. */
export type Command = (input: CommandInput) => Promise<number>;
