import type { CliCommand } from '../command';
import { ascvdCommand } from './ascvd';
import { auditCommand } from './audit';
import { backupCommand } from './backup';
import { decodeCommand } from './decode';
import { downloadCommand } from './download';
import { fhirCommand } from './fhir';
import { glucoseMetricsCommand } from './glucose-metrics';
import { importCommand } from './import';
import { preventCommand } from './prevent';
import { news2Command } from './news2';
import { openExportCommand } from './open-export';
import { qrsCommand } from './qrs';
import { qrsEvalCommand } from './qrs-eval';
import { replayCommand } from './replay';
import { restoreCommand } from './restore';
import { rulesCheckCommand } from './rules-check';
import { shareCommand } from './share';

/** Every subcommand, in the order `careloop --help` lists them. Add one line per command. */
export const commands: CliCommand[] = [
  ascvdCommand,
  auditCommand,
  backupCommand,
  decodeCommand,
  downloadCommand,
  fhirCommand,
  glucoseMetricsCommand,
  importCommand,
  preventCommand,
  news2Command,
  openExportCommand,
  qrsCommand,
  qrsEvalCommand,
  replayCommand,
  restoreCommand,
  rulesCheckCommand,
  shareCommand,
];
