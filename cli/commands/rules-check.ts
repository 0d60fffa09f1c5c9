import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CliInputError, type CliCommand } from '../command';
import type { PatientRuleContext } from '../../renderer/src/engine/rules/context';
import { defaultRules } from '../../renderer/src/engine/rules/defaults';
import { RuleEngine, type AlertAction, type RuleReading } from '../../renderer/src/engine/rules/evaluate';
import { METRICS, RuleValidationError, parseRuleSet, type RuleDefinition } from '../../renderer/src/engine/rules/rule';

const usage = `Usage: careloop rules-check <readings.json> [--rules <rules.json>]

Evaluates the default alert rules (or the rule set in --rules, a JSON array of rules) over
a file of readings and prints the alerts they would raise, as JSON.

The file is either a JSON array of readings, or an object
  {"patients": [...], "readings": [...], "now": "<ISO-8601>"}
A reading:
  {"patientId": "p1", "metric": "heart-rate", "value": 112, "unit": "/min",
   "time": "2025-01-06T08:00:00Z", "id": "optional", "grade": "clinical" | "consumer",
   "flags": ["optional quality flags"]}
  metric is one of: ${METRICS.join(', ')}
  unit is UCUM (e.g. /min, %, mm[Hg], mg/dL, mmol/L, Cel, kg); time needs a zone (Z or ±hh:mm);
  grade defaults to clinical; id defaults to "#<position in the file>".
A patient (optional; patients not listed get only the rules for all patients):
  {"id": "p1", "conditions": ["Heart failure" | {"display": "...", "code": "I50.9"}],
   "tags": [], "programs": [], "onOxygen": false, "spo2Scale": 1 | 2,
   "monitoringSince": "<ISO-8601>"}

Readings are evaluated in time order; the clock ticks every hour in between (for missing-
data rules and time-based persistence) and once more at "now" (default: the last reading).
Output: {"readings": n, "ignored": [{"id", "reason"}], "alerts": [{"alertKey", "ruleId",
"rule", "patientId", "priority", "openedAt", "readingIds", "values", "refires", "status":
"open" | "cleared", "clearedAt"}]}
`;

const isoTime = z
  .string({ error: 'must be an ISO-8601 time' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO-8601 time with a zone, like 2025-01-06T08:00:00Z')
  .transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'is not a real time' });
      return z.NEVER;
    }
    return ms;
  });

const ReadingSchema = z.object(
  {
    id: z.string().min(1).max(200).optional(),
    patientId: z.string({ error: 'patientId must be text' }).min(1, 'patientId must not be empty').max(64),
    metric: z.enum(METRICS, { error: 'metric is not a known metric (see careloop rules-check --help)' }),
    value: z.number({ error: 'value must be a number' }),
    unit: z.string({ error: 'unit must be text (UCUM)' }).min(1, 'unit must not be empty').max(20),
    time: isoTime,
    grade: z.enum(['clinical', 'consumer'], { error: 'grade must be clinical or consumer' }).default('clinical'),
    flags: z.array(z.string()).default([]),
  },
  { error: 'each reading must be an object' },
);

const PatientSchema = z.object(
  {
    id: z.string({ error: 'id must be text' }).min(1, 'id must not be empty').max(64),
    conditions: z.array(z.union([z.string().min(1), z.object({ display: z.string().min(1), code: z.string().optional() })])).default([]),
    tags: z.array(z.string()).default([]),
    programs: z.array(z.string()).default([]),
    onOxygen: z.boolean().optional(),
    spo2Scale: z.union([z.literal(1), z.literal(2)], { error: 'spo2Scale must be 1 or 2' }).optional(),
    monitoringSince: isoTime.optional(),
  },
  { error: 'each patient must be an object' },
);

const ReadingsArray = z.array(ReadingSchema);
const FileObject = z
  .object({ readings: z.array(ReadingSchema, { error: 'readings must be a list of readings' }), patients: z.array(PatientSchema).default([]), now: isoTime.optional() })
  .strict();

interface CheckInput {
  readings: z.output<typeof ReadingSchema>[];
  patients: z.output<typeof PatientSchema>[];
  now: number | undefined;
}

/** Either shape of the file; the first problem is reported with its path. */
function parseInput(raw: unknown): CheckInput {
  if (Array.isArray(raw)) {
    const r = ReadingsArray.safeParse(raw);
    if (!r.success) throw new CliInputError(firstIssue(r.error, 'readings'));
    return { readings: r.data, patients: [], now: undefined };
  }
  if (typeof raw !== 'object' || raw === null) throw new CliInputError('expected a JSON array of readings or an object with "readings"');
  const r = FileObject.safeParse(raw);
  if (!r.success) throw new CliInputError(firstIssue(r.error, ''));
  return { readings: r.data.readings, patients: r.data.patients, now: r.data.now };
}

const HOUR = 3_600_000;
/** A year of hourly ticks; longer spans tick less often so a decade of data stays quick. */
const MAX_TICKS = 24 * 366;

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CliInputError(`cannot read the ${what} file ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliInputError(`the ${what} file ${path} is not valid JSON`);
  }
}

function firstIssue(err: z.ZodError, root: string): string {
  const issue = err.issues[0]!;
  const path = issue.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), root);
  return path ? `${path}: ${issue.message}` : issue.message;
}

interface AlertSummary {
  alertKey: string;
  ruleId: string;
  rule: string;
  patientId: string;
  priority: string;
  openedAt: string;
  readingIds: string[];
  values: Record<string, number>;
  refires: number;
  status: 'open' | 'cleared';
  clearedAt: string | null;
}

function summarise(actions: AlertAction[], rules: RuleDefinition[]): AlertSummary[] {
  const names = new Map(rules.map((r) => [r.id, r.name]));
  const byKey = new Map<string, AlertSummary>();
  for (const a of actions) {
    if (a.type === 'open') {
      byKey.set(a.alertKey, {
        alertKey: a.alertKey,
        ruleId: a.ruleId,
        rule: names.get(a.ruleId) ?? a.ruleId,
        patientId: a.patientId,
        priority: a.priority,
        openedAt: new Date(a.atMs).toISOString(),
        readingIds: a.readingIds,
        values: Object.fromEntries(Object.entries(a.values).map(([k, v]) => [k, Math.round(v * 1000) / 1000])),
        refires: 0,
        status: 'open',
        clearedAt: null,
      });
      continue;
    }
    const s = byKey.get(a.alertKey);
    if (!s) continue;
    if (a.type === 'update') s.refires++;
    else {
      s.status = 'cleared';
      s.clearedAt = new Date(a.atMs).toISOString();
    }
  }
  return [...byKey.values()];
}

export const rulesCheckCommand: CliCommand = {
  name: 'rules-check',
  summary: 'evaluate the alert rules over a JSON file of readings',
  usage,
  run(args, io) {
    const positional: string[] = [];
    let rulesPath: string | undefined;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--rules') {
        rulesPath = args[++i];
        if (rulesPath === undefined) {
          io.stderr(usage);
          return Promise.resolve(2);
        }
      } else positional.push(args[i]!);
    }
    if (positional.length !== 1) {
      io.stderr(usage);
      return Promise.resolve(2);
    }
    let rules: RuleDefinition[];
    try {
      rules = rulesPath === undefined ? defaultRules() : parseRuleSet(asArray(readJson(rulesPath, 'rules')));
    } catch (err) {
      if (err instanceof RuleValidationError) throw new CliInputError(err.message);
      throw err;
    }
    const { readings, patients, now } = parseInput(readJson(positional[0]!, 'readings'));

    const contexts: PatientRuleContext[] = patients.map((p) => ({
      patientId: p.id,
      conditions: p.conditions.map((c) => (typeof c === 'string' ? { display: c } : c)),
      tags: p.tags,
      programs: p.programs,
      ...(p.onOxygen !== undefined ? { onOxygen: p.onOxygen } : {}),
      ...(p.spo2Scale !== undefined ? { spo2Scale: p.spo2Scale } : {}),
      ...(p.monitoringSince !== undefined ? { monitoringSinceMs: p.monitoringSince } : {}),
    }));
    const ordered: RuleReading[] = readings
      .map((r, i) => ({
        id: r.id ?? `#${i + 1}`,
        patientId: r.patientId,
        metric: r.metric,
        value: r.value,
        unit: r.unit,
        timeMs: r.time,
        flags: r.flags as RuleReading['flags'],
        source: { grade: r.grade },
        order: i,
      }))
      .sort((a, b) => a.timeMs - b.timeMs || a.order - b.order)
      .map(({ order: _order, ...r }) => r);

    const engine = new RuleEngine(rules, contexts);
    const actions: AlertAction[] = [];
    const first = ordered[0]?.timeMs;
    const end = now ?? ordered.at(-1)?.timeMs;
    if (first !== undefined && end !== undefined) {
      const step = Math.max(HOUR, Math.ceil((end - first) / MAX_TICKS / HOUR) * HOUR);
      let nextTick = Math.floor(first / HOUR) * HOUR + step;
      for (const r of ordered) {
        for (; nextTick <= r.timeMs; nextTick += step) actions.push(...engine.tick(nextTick));
        engine.ingestOne(r, actions);
      }
      for (; nextTick < end; nextTick += step) actions.push(...engine.tick(nextTick));
      actions.push(...engine.tick(end));
    }
    io.stdout(`${JSON.stringify({ readings: readings.length, ignored: engine.ignored, alerts: summarise(actions, rules) }, null, 2)}\n`);
    return Promise.resolve(0);
  },
};

function asArray(raw: unknown): unknown[] {
  if (!Array.isArray(raw)) throw new CliInputError('the rules file must be a JSON array of rules');
  return raw;
}
