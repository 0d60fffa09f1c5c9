import { CliInputError, type CliCommand } from '../command';
import { RiskInputError } from '../../renderer/src/engine/insights/risk-input';

/**
 * A risk-score command: one JSON argument, the score's result printed as one JSON line.
 * Invalid inputs (named by the score's own parser) are usage errors, never guessed.
 */
export function riskScoreCommand(name: string, summary: string, usage: string, score: (raw: unknown) => unknown): CliCommand {
  return {
    name,
    summary,
    usage,
    run(args, io) {
      if (args.length !== 1) {
        io.stderr(usage);
        return Promise.resolve(2);
      }
      const raw = parseJsonArgument(args[0]!);
      try {
        io.stdout(`${JSON.stringify(score(raw))}\n`);
        return Promise.resolve(0);
      } catch (err) {
        if (err instanceof RiskInputError) throw new CliInputError(err.message);
        throw err;
      }
    },
  };
}

function parseJsonArgument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliInputError('the argument is not valid JSON');
  }
}
