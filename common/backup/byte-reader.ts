/** Reads exact byte counts from a stream of arbitrary pieces without copying the whole stream. */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array[] = [];
  private buffered = 0;
  private done = false;
  /** Bytes handed out so far: where the next read starts in the file. */
  position = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else if (next.value.length) {
        this.pending.push(next.value);
        this.buffered += next.value.length;
      }
    }
  }

  /** Up to n bytes: fewer only at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const take = Math.min(n, this.buffered);
    const out = new Uint8Array(take);
    let at = 0;
    while (at < take) {
      const head = this.pending[0]!;
      const part = Math.min(head.length, take - at);
      out.set(head.subarray(0, part), at);
      at += part;
      if (part === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(part);
    }
    this.buffered -= take;
    this.position += take;
    return out;
  }

  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.buffered === 0;
  }

  async close(): Promise<void> {
    if (!this.done) await this.iterator.return?.();
    this.done = true;
  }
}
