import { CliInputError, type CliCommand } from '../command';
import { codecs, toJsonValue } from '../../electron/devices/drivers/codecs';
import { DecodeError } from '../../electron/devices/drivers/types';

const USAGE = `Usage: careloop decode <codec> <hex>

Decodes one characteristic value or device frame and prints the result as JSON.
<hex> is the bytes as hexadecimal, with or without spaces or colons between them
(e.g. "16 4d 16 03", 164d1603, 0x164d1603). NaN and infinities the device sent are
printed as the strings "NaN", "Infinity" and "-Infinity"; 64-bit timestamps as strings.

Codecs: ${Object.keys(codecs).join(', ')}`;

/** Hex as people paste it (spaces, colons, a 0x prefix) to bytes; anything else is a one-line input error. */
export function parseHex(text: string): Uint8Array {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:-]+/g, '');
  if (clean.length === 0) throw new CliInputError('no bytes given: <hex> is empty');
  const bad = /[^0-9a-f]/i.exec(clean);
  if (bad) throw new CliInputError(`invalid hex: '${bad[0]}' is not a hexadecimal digit`);
  if (clean.length % 2 !== 0) throw new CliInputError(`invalid hex: ${clean.length} digits is not a whole number of bytes`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const decodeCommand: CliCommand = {
  name: 'decode',
  summary: 'decode one device characteristic value or frame (hex) and print it as JSON',
  usage: USAGE,
  async run(args, io) {
    const [name, ...hexParts] = args;
    if (name === undefined || hexParts.length === 0) {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    const codec = codecs[name];
    if (!codec) throw new CliInputError(`unknown codec '${name}' (known: ${Object.keys(codecs).join(', ')})`);
    const bytes = parseHex(hexParts.join(' '));
    let result: unknown;
    try {
      result = codec(bytes);
    } catch (err) {
      if (err instanceof DecodeError) throw new CliInputError(`cannot decode as ${name}: ${err.message} (${err.code})`);
      throw err;
    }
    io.stdout(`${JSON.stringify(toJsonValue(result), null, 2)}\n`);
    return 0;
  },
};
