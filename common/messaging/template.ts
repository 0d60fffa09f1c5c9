/**
 * Message templates with variables in double braces: {{patient.givenName}},
 * {{appointment.time}}, {{reading.latest.blood-pressure-systolic}}, {{clinic.name}}.
 * A message is never sent with a variable left unresolved: rendering reports what is missing.
 */
export type TemplateValues = Record<string, string | number | undefined>;

export interface RenderResult {
  text: string;
  missing: string[];
}

const VARIABLE = /\{\{\s*([a-zA-Z][\w.-]*)\s*\}\}/g;

export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]!))];
}

export function renderTemplate(template: string, values: TemplateValues): RenderResult {
  const missing: string[] = [];
  const text = template.replace(VARIABLE, (whole, name: string) => {
    const v = values[name];
    if (v === undefined || v === '') {
      missing.push(name);
      return whole;
    }
    return String(v);
  });
  return { text, missing: [...new Set(missing)] };
}

/** SMS segments (GSM-7 160 characters, 153 per part when concatenated; UCS-2 70/67). */
export function smsSegments(text: string): number {
  const gsm = /^[\n\r A-Za-z0-9@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/.test(text);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return text.length <= single ? 1 : Math.ceil(text.length / multi);
}
