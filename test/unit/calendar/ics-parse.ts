/**
 * A small RFC 5545 reader for the tests: unfolds content lines (§3.1: CRLF followed by one
 * space or tab continues the line), splits NAME;PARAMS:VALUE and groups VEVENTs.
 */
export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

export function unfold(text: string): string[] {
  if (/(?<!\r)\n/.test(text)) throw new Error('content lines must end with CRLF');
  return text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l.length > 0);
}

export function parseLine(line: string): IcsProperty {
  // The value starts after the first colon that is not inside a quoted parameter value.
  let quoted = false;
  let split = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) {
      split = i;
      break;
    }
  }
  if (split < 0) throw new Error(`not a content line: ${line}`);
  const [name, ...params] = line.slice(0, split).split(';');
  return {
    name: name!.toUpperCase(),
    params: Object.fromEntries(params.map((p) => [p.slice(0, p.indexOf('=')).toUpperCase(), p.slice(p.indexOf('=') + 1)])),
    value: line.slice(split + 1),
  };
}

export interface ParsedCalendar {
  props: IcsProperty[];
  events: IcsProperty[][];
}

export function parseCalendar(text: string): ParsedCalendar {
  const lines = unfold(text).map(parseLine);
  if (lines[0]?.name !== 'BEGIN' || lines[0].value !== 'VCALENDAR' || lines.at(-1)?.value !== 'VCALENDAR') throw new Error('not a VCALENDAR');
  const out: ParsedCalendar = { props: [], events: [] };
  let event: IcsProperty[] | undefined;
  for (const p of lines.slice(1, -1)) {
    if (p.name === 'BEGIN' && p.value === 'VEVENT') event = [];
    else if (p.name === 'END' && p.value === 'VEVENT') {
      out.events.push(event!);
      event = undefined;
    } else (event ?? out.props).push(p);
  }
  return out;
}

export const prop = (list: IcsProperty[], name: string): IcsProperty | undefined => list.find((p) => p.name === name);
export const value = (list: IcsProperty[], name: string): string | undefined => prop(list, name)?.value;

/** RFC 5545 TEXT unescaping (§3.3.11). */
export function unescapeText(v: string): string {
  return v.replace(/\\([nN\\;,])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}
