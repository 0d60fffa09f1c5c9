import { readFileSync } from 'node:fs';
import { CliInputError, type CliCommand } from '../command';
import { computeGlucoseMetrics, glucoseReport, type GlucoseSource } from '../../renderer/src/engine/insights/glucose-metrics';
import { GlucoseInputError, parseGlucoseReadings } from '../../renderer/src/engine/insights/glucose-readings';
import { TimeZoneError } from '../../renderer/src/engine/insights/local-time';

const usage = `Usage: careloop glucose-metrics <readings.json> [--meter] [--interval <minutes>] [--tz <zone>]

Computes the international consensus glucose metrics (Battelino et al., Diabetes Care 2019)
over a JSON list of readings {"time": "<ISO-8601 with zone>", "mgdl": <number>} and prints
{"mean", "gmi", "cv", "below54", "below70", "inRange", "above180", "above250",
"dataSufficiency"}, one decimal each: mean in mg/dL, GMI and CV in %, the rest in percent of
readings (below70 includes below54; above180 includes above250; inRange is 70–180).

The period runs from the first reading to the last.
  --interval <min>  CGM sampling interval, default 5: dataSufficiency is the percent of the
                    expected sensor readings present
  --meter           fingerstick data: dataSufficiency counts up to 4 readings a day over the
                    calendar days of the period (4 a day = 100 %)
  --tz <zone>       IANA time zone whose calendar days count for --meter (default UTC)
`;

interface Options {
  path: string;
  source: GlucoseSource;
  intervalMinutes: number;
  timeZone: string;
}

function parseArgs(args: string[]): Options | null {
  let path: string | undefined;
  let source: GlucoseSource = 'cgm';
  let intervalMinutes = 5;
  let timeZone = 'UTC';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--meter') source = 'meter';
    else if (a === '--interval' || a === '--tz') {
      const value = args[++i];
      if (value === undefined) throw new CliInputError(`${a} needs a value`);
      if (a === '--tz') timeZone = value;
      else {
        intervalMinutes = Number(value);
        if (!Number.isFinite(intervalMinutes)) throw new CliInputError(`--interval ${value} is not a number of minutes`);
      }
    } else if (a.startsWith('-')) throw new CliInputError(`unknown option ${a}`);
    else if (path === undefined) path = a;
    else return null;
  }
  return path === undefined ? null : { path, source, intervalMinutes, timeZone };
}

export const glucoseMetricsCommand: CliCommand = {
  name: 'glucose-metrics',
  summary: 'time in range, GMI and CV of a glucose trace (international consensus)',
  usage,
  run(args, io) {
    const options = parseArgs(args);
    if (!options) {
      io.stderr(usage);
      return Promise.resolve(2);
    }
    let text: string;
    try {
      text = readFileSync(options.path, 'utf8');
    } catch {
      throw new CliInputError(`cannot read ${options.path}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new CliInputError(`${options.path} is not valid JSON`);
    }
    try {
      const metrics = computeGlucoseMetrics(parseGlucoseReadings(raw), {
        source: options.source,
        intervalMinutes: options.intervalMinutes,
        timeZone: options.timeZone,
      });
      io.stdout(`${JSON.stringify(glucoseReport(metrics))}\n`);
      return Promise.resolve(0);
    } catch (err) {
      if (err instanceof GlucoseInputError || err instanceof TimeZoneError) throw new CliInputError(err.message);
      throw err;
    }
  },
};
