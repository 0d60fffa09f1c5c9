/**
 * The bytes auditHash (chain.ts) hashes — UTF-8 of `${prevHash}\n${seq}\n${canonicalJson(content)}`
 * — written straight into one reusable byte buffer. Verifying a whole audit log spends most
 * of its time building these; building a JavaScript string first (many small concatenations
 * the engine must flatten, then a UTF-8 encoding pass) costs about three times as much.
 *
 * The output is byte for byte what TextEncoder gives for the chain's string: ASCII text is
 * copied character by character; any string with something JSON escapes or with non-ASCII
 * characters goes through JSON.stringify and TextEncoder, exactly as the chain does.
 */

const encoder = new TextEncoder();

/** Object keys in canonical (code unit) order with their `"key":` bytes, per object shape. */
interface KeyPlan {
  source: string[];
  sorted: string[];
  prefixes: Uint8Array[];
}

/** The audit entry fields that are not content: auditHash covers them separately or not at all. */
function isChainField(key: string): boolean {
  return key === 'seq' || key === 'prevHash' || key === 'hash';
}

export class CanonicalBytesWriter {
  private buf = new Uint8Array(4096);
  private len = 0;
  /** Recently seen object shapes: audit entries come in a handful of shapes, so sorting is mostly skipped. */
  private readonly plans: KeyPlan[] = [];

  /** The bytes auditHash would hash for this entry, valid until the next call. */
  entryPreimage(entry: object, seq: number, prevHash: string): Uint8Array {
    this.len = 0;
    this.text(prevHash);
    this.byte(0x0a);
    this.text(String(seq));
    this.byte(0x0a);
    this.object(entry as Record<string, unknown>, true);
    return this.buf.subarray(0, this.len);
  }

  /** canonicalJson(value) as UTF-8, valid until the next call. */
  valueBytes(value: unknown): Uint8Array {
    this.len = 0;
    this.value(value);
    return this.buf.subarray(0, this.len);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  private bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Any string as UTF-8, as TextEncoder writes it. */
  private text(s: string): void {
    this.reserve(s.length);
    const start = this.len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.len = start;
        this.encoded(s);
        return;
      }
      this.buf[this.len++] = c;
    }
  }

  /** The rare path (non-ASCII or escaped text): TextEncoder, as the chain itself encodes. */
  private encoded(s: string): void {
    this.bytes(encoder.encode(s));
  }

  /** JSON.stringify(s) as UTF-8. */
  private string(s: string): void {
    this.reserve(s.length + 2);
    const start = this.len;
    this.buf[this.len++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // Control characters, the quote and the backslash are escaped; non-ASCII needs UTF-8.
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
        this.len = start;
        this.encoded(JSON.stringify(s));
        return;
      }
      this.buf[this.len++] = c;
    }
    this.buf[this.len++] = 0x22;
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.text(Number.isFinite(v) ? String(v) : 'null');
        return;
      case 'boolean':
        this.text(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) this.text('null');
        else if (Array.isArray(v)) this.array(v);
        else this.object(v as Record<string, unknown>, false);
        return;
      default:
        // undefined, functions and symbols render as null, as canonicalJson does; a BigInt throws there and here.
        this.encoded(JSON.stringify(v) ?? 'null');
    }
  }

  private array(a: readonly unknown[]): void {
    this.byte(0x5b);
    for (let i = 0; i < a.length; i++) {
      if (i) this.byte(0x2c);
      // A hole stays empty, as Array.prototype.map + join render it in canonicalJson.
      if (!(i in a)) continue;
      const item = a[i];
      if (item === undefined) this.text('null');
      else this.value(item);
    }
    this.byte(0x5d);
  }

  private object(obj: Record<string, unknown>, skipChainFields: boolean): void {
    const plan = this.planOf(Object.keys(obj));
    this.byte(0x7b);
    let first = true;
    for (let i = 0; i < plan.sorted.length; i++) {
      const key = plan.sorted[i]!;
      if (skipChainFields && isChainField(key)) continue;
      const item = obj[key];
      if (item === undefined) continue;
      if (!first) this.byte(0x2c);
      first = false;
      this.bytes(plan.prefixes[i]!);
      this.value(item);
    }
    this.byte(0x7d);
  }

  private planOf(keys: string[]): KeyPlan {
    for (const plan of this.plans) if (sameKeys(plan.source, keys)) return plan;
    const sorted = [...keys].sort();
    const plan: KeyPlan = { source: keys, sorted, prefixes: sorted.map((k) => encoder.encode(`${JSON.stringify(k)}:`)) };
    // Most recent first; a bounded list, so many differently-shaped change records cannot grow it.
    this.plans.unshift(plan);
    if (this.plans.length > 16) this.plans.pop();
    return plan;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
