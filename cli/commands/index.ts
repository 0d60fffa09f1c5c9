import type { CliCommand } from '../command';

/** Every subcommand, in the order `careloop --help` lists them. Add one line per command. */
export const commands: CliCommand[] = [];
