/** A value of a form-urlencoded body: a field, a list (`name[]`), or a group of those (`group[key]`, `group[key][]`). */
export type FormValue = string | string[] | { [key: string]: string | string[] };

/** Why a body is not an acceptable form; the validation middleware reports it as a 400. */
export class FormSyntaxError extends Error {
  override name = 'FormSyntaxError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

const NAME = /^([A-Za-z0-9_.-]{1,100})(?:\[([A-Za-z0-9_.-]{1,100})\])?(\[\])?$/;

/** At most this many fields in one body. */
export const MAX_FORM_FIELDS = 200;

/**
 * Parses `application/x-www-form-urlencoded` (WHATWG) into fields: `a=1` is a string, `a[]=1&a[]=2` a list,
 * `attribute[code]=x` and `attribute[code][]=x` a group, as Open311 clients send attributes. A field named
 * twice without `[]`, a field that is both a group and a value, or a name of another shape is refused.
 */
export function parseFormUrlEncoded(body: string): Record<string, FormValue> {
  const out: Record<string, FormValue> = Object.create(null) as Record<string, FormValue>;
  let count = 0;
  for (const [name, value] of new URLSearchParams(body)) {
    if (++count > MAX_FORM_FIELDS) throw new FormSyntaxError(`at most ${MAX_FORM_FIELDS} fields`, 'body');
    const match = NAME.exec(name);
    if (!match) throw new FormSyntaxError('not a field name of this form', `body.${name.slice(0, 100)}`);
    const [, field = '', key, list] = match;
    if (key === undefined) {
      const existing = out[field];
      if (list) {
        if (existing !== undefined && !Array.isArray(existing)) throw new FormSyntaxError('sent both as a value and as a list', `body.${field}`);
        out[field] = [...((existing as string[] | undefined) ?? []), value];
      } else {
        if (existing !== undefined) throw new FormSyntaxError('sent more than once', `body.${field}`);
        out[field] = value;
      }
      continue;
    }
    const group = (out[field] ??= Object.create(null) as Record<string, string | string[]>);
    if (typeof group === 'string' || Array.isArray(group)) throw new FormSyntaxError('sent both as a value and as a group', `body.${field}`);
    const existing = group[key];
    if (list) {
      if (existing !== undefined && !Array.isArray(existing)) throw new FormSyntaxError('sent both as a value and as a list', `body.${field}.${key}`);
      group[key] = [...((existing as string[] | undefined) ?? []), value];
    } else {
      if (existing !== undefined) throw new FormSyntaxError('sent more than once', `body.${field}.${key}`);
      group[key] = value;
    }
  }
  return { ...out };
}
