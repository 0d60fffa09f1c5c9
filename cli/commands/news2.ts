import { CliInputError, type CliCommand } from '../command';
import { News2InputError, parseNews2Input, scoreNews2 } from '../../renderer/src/engine/rules/news2';

const usage = `Usage: careloop news2 '<json>'

Scores one set of observations with NEWS2 (Royal College of Physicians, 2017) and prints
{"score": <total>, "band": "low" | "low-medium" | "medium" | "high", "parameters": {...}}.

The JSON object takes:
  respiratoryRate   breaths per minute
  spo2              oxygen saturation, %
  spo2Scale         1 (default) or 2 (hypercapnic respiratory failure, target 88–92 %)
  onOxygen          true on supplemental oxygen, false on air
  systolic          systolic blood pressure, mmHg
  pulse             beats per minute
  consciousness     A, C, V, P or U (ACVPU)
  temperature       °C

Example:
  careloop news2 '{"respiratoryRate": 22, "spo2": 94, "spo2Scale": 1, "onOxygen": false, "systolic": 105, "pulse": 112, "consciousness": "A", "temperature": 38.4}'
`;

export const news2Command: CliCommand = {
  name: 'news2',
  summary: 'score one set of vital signs with NEWS2',
  usage,
  run(args, io) {
    if (args.length !== 1) {
      io.stderr(usage);
      return Promise.resolve(2);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(args[0]!);
    } catch {
      throw new CliInputError('the argument is not valid JSON');
    }
    try {
      const result = scoreNews2(parseNews2Input(raw));
      io.stdout(`${JSON.stringify(result)}\n`);
      return Promise.resolve(0);
    } catch (err) {
      if (err instanceof News2InputError) throw new CliInputError(err.message);
      throw err;
    }
  },
};
