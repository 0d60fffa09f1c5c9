/** xorshift32: a seeded PRNG so a failing fuzz input can be reproduced from its seed. */
export class Prng {
  constructor(private state: number) {
    if (this.state === 0) this.state = 0x9e3779b9;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  int(n: number): number {
    return this.next() % n;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** Bytes the protocols give meaning to, so mutations hit the parsers' branches more often. */
const INTERESTING = [0x00, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0d, 0x15, 0x17, 0x22, 0x2c, 0x2f, 0x30, 0x39, 0x3e, 0x3c, 0x41, 0x43, 0x48, 0x4c, 0x52, 0x5e, 0x7c, 0x7f, 0xff];

function splice(b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const cut = Math.min(remove, b.length - at);
  const out = new Uint8Array(b.length - cut + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + cut), at + insert.length);
  return out;
}

/** One to four random edits: flip a bit, set a byte, insert, delete, truncate or duplicate a slice. */
export function mutate(rng: Prng, input: Uint8Array): Uint8Array {
  let b: Uint8Array = input.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const at = b.length ? rng.int(b.length) : 0;
    switch (rng.int(7)) {
      case 0:
        if (b.length) b[at] = b[at]! ^ (1 << rng.int(8));
        break;
      case 1:
        if (b.length) b[at] = rng.pick(INTERESTING);
        break;
      case 2:
        b = splice(b, at, 0, Uint8Array.of(rng.pick(INTERESTING)));
        break;
      case 3:
        b = splice(b, at, 1 + rng.int(4), new Uint8Array(0));
        break;
      case 4:
        b = b.slice(0, at);
        break;
      case 5:
        b = splice(b, at, 0, b.slice(at, at + 1 + rng.int(16)));
        break;
      default:
        if (b.length) b[at] = 0x30 + rng.int(10);
    }
  }
  return b;
}
