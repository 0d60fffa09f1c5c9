import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'careloop-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('careloop news2', () => {
  it('scores the issue example as 7, high, with each parameter', async () => {
    const r = await run(['news2', '{"respiratoryRate": 22, "spo2": 94, "spo2Scale": 1, "onOxygen": false, "systolic": 105, "pulse": 112, "consciousness": "A", "temperature": 38.4}']);
    expect(r).toEqual({ code: 0, err: '', out: expect.any(String) });
    expect(JSON.parse(r.out)).toEqual({
      score: 7,
      band: 'high',
      parameters: { respiratoryRate: 2, spo2: 1, airOrOxygen: 0, systolic: 1, pulse: 2, consciousness: 0, temperature: 1 },
    });
  });
  it('uses scale 2 when asked', async () => {
    const r = await run(['news2', '{"respiratoryRate": 16, "spo2": 97, "spo2Scale": 2, "onOxygen": true, "systolic": 130, "pulse": 80, "consciousness": "A", "temperature": 37}']);
    expect(JSON.parse(r.out)).toMatchObject({ score: 5, band: 'medium', parameters: { spo2: 3, airOrOxygen: 2 } });
  });
  it('exits 1 with a one-line reason on bad input, 2 without an argument', async () => {
    expect(await run(['news2', '{"respiratoryRate": 22'])).toEqual({ code: 1, out: '', err: 'careloop news2: the argument is not valid JSON\n' });
    expect(await run(['news2', '{"respiratoryRate": 22, "spo2": 140}'])).toEqual({ code: 1, out: '', err: 'careloop news2: spo2 140 is outside 0–100 %\n' });
    expect((await run(['news2'])).code).toBe(2);
    expect((await run(['news2', '--help'])).out).toMatch(/consciousness +A, C, V, P or U/);
  });
});

describe('careloop rules-check', () => {
  const t = (h: number) => new Date(Date.UTC(2025, 0, 6, 8) + h * 3_600_000).toISOString();

  it('prints the alerts the default rules raise, in time order, with the readings behind them', async () => {
    const path = file('readings.json', {
      patients: [{ id: 'p1', conditions: ['Chronic heart failure'] }],
      readings: [
        { patientId: 'p1', metric: 'body-weight', value: 82.2, unit: 'kg', time: t(48), id: 'w2' },
        { patientId: 'p1', metric: 'body-weight', value: 80, unit: 'kg', time: t(0), id: 'w1' },
        { patientId: 'p2', metric: 'glucose', value: 2.8, unit: 'mmol/L', time: t(1) },
        { patientId: 'p2', metric: 'glucose', value: 110, unit: 'mg/dL', time: t(2) },
        { patientId: 'p3', metric: 'heart-rate', value: 130, unit: '/min', time: t(3), grade: 'consumer' },
      ],
    });
    const r = await run(['rules-check', path]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { readings: number; alerts: Record<string, unknown>[] };
    expect(out.readings).toBe(5);
    expect(out.alerts).toEqual([
      expect.objectContaining({ ruleId: 'hypoglycaemia-level-2', patientId: 'p2', priority: 'high', openedAt: t(1), readingIds: ['#3'], status: 'cleared', clearedAt: t(2) }),
      expect.objectContaining({ ruleId: 'hf-rapid-weight-gain', patientId: 'p1', openedAt: t(48), readingIds: ['w1', 'w2'], values: { 'change(body-weight)': 2.2 }, status: 'open' }),
    ]);
  });

  it('ticks the clock up to "now" for missing-data rules', async () => {
    const path = file('quiet.json', { readings: [{ patientId: 'p1', metric: 'spo2', value: 97, unit: '%', time: t(0), id: 's1' }], now: t(80) });
    const out = JSON.parse((await run(['rules-check', path])).out) as { alerts: Record<string, unknown>[] };
    expect(out.alerts).toEqual([expect.objectContaining({ ruleId: 'no-readings-3-days', openedAt: t(72), readingIds: ['s1'] })]);
  });

  it('takes a custom rule set with --rules', async () => {
    const rules = file('rules.json', [{ id: 'hr-90', name: 'HR over 90', description: 'test', source: 'test', priority: 'low', condition: { kind: 'threshold', metric: 'heart-rate', unit: '/min', operator: '>', level: 90 } }]);
    const path = file('hr.json', [{ patientId: 'p1', metric: 'heart-rate', value: 95, unit: '/min', time: t(0) }]);
    const out = JSON.parse((await run(['rules-check', path, '--rules', rules])).out) as { alerts: Record<string, unknown>[] };
    expect(out.alerts).toEqual([expect.objectContaining({ ruleId: 'hr-90', rule: 'HR over 90' })]);
  });

  it('exits 1 with a one-line reason on bad input', async () => {
    const cases: [unknown, string][] = [
      ['{not json', `the readings file ${join(dir, 'bad.json')} is not valid JSON`],
      ['42', 'expected a JSON array of readings or an object with "readings"'],
      [{ rows: [] }, 'readings: readings must be a list of readings'],
      [[{ patientId: 'p1', metric: 'heart-rate', value: 80, unit: '/min', time: '2025-01-06 08:00' }], 'readings[0].time: must be an ISO-8601 time with a zone, like 2025-01-06T08:00:00Z'],
      [[{ patientId: 'p1', metric: 'pulse', value: 80, unit: '/min', time: t(0) }], 'readings[0].metric: metric is not a known metric (see careloop rules-check --help)'],
      [{ readings: [{ patientId: 'p1', metric: 'heart-rate', value: '80', unit: '/min', time: t(0) }] }, 'readings[0].value: value must be a number'],
      [{ readings: [], patients: [{ id: 'p1', spo2Scale: 3 }] }, 'patients[0].spo2Scale: spo2Scale must be 1 or 2'],
    ];
    for (const [content, reason] of cases) {
      const r = await run(['rules-check', file('bad.json', content)]);
      expect(r).toEqual({ code: 1, out: '', err: `careloop rules-check: ${reason}\n` });
    }
    expect((await run(['rules-check', join(dir, 'missing.json')])).err).toBe(`careloop rules-check: cannot read the readings file ${join(dir, 'missing.json')}\n`);
    const badRules = file('bad-rules.json', [{ id: 'x', name: 'x', description: 'x', source: 'x', priority: 'urgent', condition: { kind: 'missing-data', forMs: 1 } }]);
    expect((await run(['rules-check', file('ok.json', []), '--rules', badRules])).err).toBe('careloop rules-check: rule x: priority: priority must be high, medium or low\n');
    expect((await run(['rules-check'])).code).toBe(2);
  });
});
