import type { Config } from '../config.ts';

export type CommandInput = {
  config: Config;
  options: Record<string, string | boolean | undefined>;
  args: string[];
  /** The raw arguments after the command name, for a command that parses options taking values (`--batch 2000`). */
  argv?: string[];
};
/** A CLI command: returns the process exit code. */
export type Command = (input: CommandInput) => Promise<number>;
