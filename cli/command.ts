/** One `careloop` subcommand. Commands write through `io` so tests can run them in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliCommand {
  /** The word after `careloop`, e.g. 'decode'. */
  name: string;
  /** One line for `careloop --help`. */
  summary: string;
  /** Full usage text for `careloop <name> --help`. */
  usage: string;
  /** Returns the process exit code: 0 success, 1 invalid input, 2 usage error. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown by commands for bad input; the CLI prints the one-line reason and exits 1. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}
