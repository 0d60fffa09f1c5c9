import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { BatchSink } from '../batch-sink';
import type { ImportedPoint } from '../types';
import { ImportError } from '../errors';
import { readingKey } from '../reading-key';
import { convertTo } from '../units';
import { parseAppleDate } from './dates';
import { APPLE_ASLEEP, APPLE_BLOOD_PRESSURE, APPLE_QUANTITIES, APPLE_SLEEP } from './record-types';

/**
 * Reads Apple Health's export.xml as a stream of text (SAX: no tree is built). Top-level
 * <Record> elements and the <Record>s inside a blood-pressure <Correlation> become readings;
 * a correlation's systolic and diastolic share a group so they read as one measurement.
 * Other records, workouts and activity summaries are tallied as skipped with their reason.
 */
export class AppleHealthXmlReader {
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  private depth = 0;
  private correlation: { depth: number; groupKey: string } | undefined;
  private failure: ImportError | undefined;
  /** The device attribute repeats on every record of a source: parse each distinct one once. */
  private readonly devices = new Map<string, { app?: string; device?: string }>();
  private lastSource: string | undefined;
  private lastDevice: string | undefined;

  constructor(
    private readonly sink: BatchSink,
    private readonly entry: string,
  ) {
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('closetag', () => this.close());
    this.parser.on('error', (err) => {
      // saxes prefixes its message with "line:column:", which we report as a position instead.
      this.failure ??= new ImportError('malformed', `export.xml is not well-formed XML: ${err.message.replace(/^(?:.*?:)?\d+:\d+: /, '')}`, { entry: this.entry, line: this.parser.line });
    });
  }

  write(text: string): void {
    this.parser.write(text);
    if (this.failure) throw this.failure;
  }

  end(): void {
    try {
      this.parser.close();
    } catch {
      // The error handler above recorded it.
    }
    if (this.failure) {
      const f = this.failure;
      throw /unclosed|end of data|unexpected end/i.test(f.message) ? new ImportError('truncated', 'export.xml ends in the middle of the data', f.position) : f;
    }
  }

  private open(tag: SaxesTagPlain): void {
    // saxes reports a closetag for self-closing tags too, so depth stays balanced.
    const depth = ++this.depth;
    const name = tag.name;
    // HealthData is depth 1; its children are depth 2; a correlation's records are depth 3.
    if (depth === 2) {
      if (name === 'Record') this.record(tag.attributes, undefined);
      else if (name === 'Correlation') this.openCorrelation(tag.attributes, depth);
      else if (name === 'Workout' || name === 'ActivitySummary') this.sink.skip(`${name} elements are not imported`, { entry: this.entry, line: this.parser.line });
    } else if (depth === 3 && name === 'Record' && this.correlation) {
      this.record(tag.attributes, this.correlation.groupKey);
    }
  }

  private close(): void {
    if (this.correlation && this.depth === this.correlation.depth) this.correlation = undefined;
    this.depth--;
  }

  private openCorrelation(a: Record<string, string>, depth: number): void {
    const position = { entry: this.entry, line: this.parser.line };
    if (a.type !== APPLE_BLOOD_PRESSURE) {
      this.sink.skip(`correlation type ${a.type ?? '(none)'} is not imported`, position);
      return;
    }
    const start = parseAppleDate(a.startDate);
    if (!start) {
      this.sink.skip('blood pressure without a readable start date', position);
      return;
    }
    this.correlation = { depth, groupKey: readingKey('apple-health', a.sourceName, 'blood-pressure-systolic', start.utcMs).replace('|blood-pressure-systolic|', '|blood-pressure|') };
  }

  private record(a: Record<string, string>, groupKey: string | undefined): void {
    const type = a.type ?? '';
    const start = parseAppleDate(a.startDate);
    const end = a.endDate === a.startDate ? start : parseAppleDate(a.endDate);
    if (type === APPLE_SLEEP) return this.sleep(a, start?.utcMs, end?.utcMs, start?.wall, this.here());
    const q = APPLE_QUANTITIES[type];
    if (!q) return this.sink.skip(`record type ${type || '(none)'} is not imported`, this.here());
    if (!start) return this.sink.skip('record without a readable start date', this.here());
    const raw = Number(a.value);
    if (a.value === undefined || a.value.trim() === '' || !Number.isFinite(raw)) return this.sink.skip(`${q.metric}: value is not a number`, this.here());
    let value: number | undefined = raw;
    if (q.fraction && (a.unit ?? '%') === '%') value = raw <= 1 ? raw * 100 : raw;
    else value = convertTo(raw, a.unit ?? '', q.unit);
    if (value === undefined) return this.sink.skip(`${q.metric}: unit ${a.unit ?? '(none)'} is not convertible to ${q.unit}`, this.here());
    const source = a.sourceName;
    this.noteSource(a);
    // Blood pressure halves recorded without their correlation still pair up by source and time.
    const group = groupKey ?? (q.metric === 'blood-pressure-systolic' || q.metric === 'blood-pressure-diastolic' ? readingKey('apple-health', source, 'blood-pressure-systolic', start.utcMs).replace('|blood-pressure-systolic|', '|blood-pressure|') : undefined);
    const endMs = end && end.utcMs > start.utcMs ? end.utcMs : undefined;
    // Built field by field: this runs for every record of files with millions of them.
    const point: ImportedPoint = { kind: 'point', key: readingKey('apple-health', source, q.metric, start.utcMs, endMs), metric: q.metric, value, unit: q.unit, timeMs: start.utcMs, deviceTimeRaw: start.wall, flags: [] };
    if (endMs !== undefined) point.endMs = endMs;
    if (group) point.groupKey = group;
    if (source) point.source = source;
    this.sink.add(point);
  }

  /** Where the parser is, for a skipped record (built only when one is skipped). */
  private here(): { entry: string; line: number } {
    return { entry: this.entry, line: this.parser.line };
  }

  private noteSource(a: Record<string, string>): void {
    // Records come in runs from one source: the common case is the same pair as last time.
    if (a.sourceName === this.lastSource && a.device === this.lastDevice) return;
    this.lastSource = a.sourceName;
    this.lastDevice = a.device;
    const k = `${a.sourceName ?? ''}\u0000${a.device ?? ''}`;
    if (this.devices.has(k)) return;
    const d = deviceOf(a);
    if (this.devices.size < 1000) this.devices.set(k, d);
    this.sink.source(d);
  }

  private sleep(a: Record<string, string>, startMs: number | undefined, endMs: number | undefined, wall: string | undefined, position: { entry: string; line: number }): void {
    if (startMs === undefined || endMs === undefined || wall === undefined) return this.sink.skip('sleep analysis without readable start and end dates', position);
    if (!APPLE_ASLEEP.has(a.value ?? '')) return this.sink.skip('sleep analysis: in bed or awake, not asleep', position);
    if (endMs <= startMs) return this.sink.skip('sleep analysis ends before it starts', position);
    this.noteSource(a);
    this.sink.add({
      kind: 'point',
      key: readingKey('apple-health', a.sourceName, 'sleep-duration', startMs, endMs),
      metric: 'sleep-duration',
      value: (endMs - startMs) / 3_600_000,
      unit: 'h',
      timeMs: startMs,
      endMs,
      deviceTimeRaw: wall,
      flags: [],
      ...(a.sourceName ? { source: a.sourceName } : {}),
    });
  }
}

/** The app and the hardware model: device="<<HKDevice: 0x…>, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1>". */
function deviceOf(a: Record<string, string>): { app?: string; device?: string } {
  const d = a.device ?? '';
  const name = /\bname:([^,>]+)/.exec(d)?.[1]?.trim();
  const hardware = /\bhardware:([^,>]+(?:,\d+)?)/.exec(d)?.[1]?.trim();
  const device = name ? (hardware ? `${name} (${hardware})` : name) : undefined;
  return { ...(a.sourceName ? { app: a.sourceName } : {}), ...(device ? { device } : {}) };
}
