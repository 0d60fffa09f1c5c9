import type { CliCommand } from '../command';
import { decodeCommand } from './decode';
import { downloadCommand } from './download';
import { news2Command } from './news2';
import { qrsCommand } from './qrs';
import { qrsEvalCommand } from './qrs-eval';
import { replayCommand } from './replay';
import { rulesCheckCommand } from './rules-check';

/** Every subcommand, in the order `careloop --help` lists them. Add one line per command. */
export const commands: CliCommand[] = [
  decodeCommand,
  downloadCommand,
  news2Command,
  qrsCommand,
  qrsEvalCommand,
  replayCommand,
  rulesCheckCommand,
];
