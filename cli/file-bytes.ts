import { createReadStream } from 'node:fs';
import { CliInputError } from './command';

/** A file's bytes in 1 MiB pieces, never the whole file at once; a file that cannot be read is a CliInputError naming why. */
export async function* fileBytes(path: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const piece of stream) yield new Uint8Array(piece as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliInputError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  } finally {
    stream.destroy();
  }
}
