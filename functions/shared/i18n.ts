/** The platform's languages; Swedish is the default (DESIGN.md §3). Add a language by adding a catalogue. */
export type Language = 'sv' | 'en';
export const languages: readonly Language[] = ['sv', 'en'];

/** Picks the first supported language of an `Accept-Language` header by its q-values; Swedish otherwise. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'sv';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    if (primary === 'sv' || primary === 'en') return primary;
  }
  return 'sv';
}

/** Problem titles by problem type slug; `detail` texts for the fixed ones. */
const problems = {
  validation: { sv: 'Ogiltiga uppgifter', en: 'Invalid input' },
  'not-found': { sv: 'Hittades inte', en: 'Not found' },
  'method-not-allowed': { sv: 'Metoden stöds inte', en: 'Method not allowed' },
  'payload-too-large': { sv: 'För stort innehåll', en: 'Payload too large' },
  'unsupported-media-type': { sv: 'Innehållstypen stöds inte', en: 'Unsupported media type' },
  unauthorized: { sv: 'Inloggning krävs', en: 'Authentication required' },
  forbidden: { sv: 'Åtkomst nekas', en: 'Forbidden' },
  conflict: { sv: 'Konflikt', en: 'Conflict' },
  gone: { sv: 'Finns inte längre', en: 'Gone' },
  'idempotency-key-reused': { sv: 'Idempotency-Key återanvänd', en: 'Idempotency-Key reused' },
  'request-in-progress': { sv: 'Begäran behandlas redan', en: 'Request already in progress' },
  'too-many-requests': { sv: 'För många förfrågningar', en: 'Too many requests' },
  unavailable: { sv: 'Tjänsten är tillfälligt otillgänglig', en: 'Service temporarily unavailable' },
  internal: { sv: 'Ett fel uppstod', en: 'Something went wrong' },
} as const satisfies Record<string, Record<Language, string>>;
export type ProblemType = keyof typeof problems;

export function problemTitle(type: ProblemType, language: Language): string {
  return problems[type][language];
}

/** Localized text with `{name}` placeholders. */
export type Message = Readonly<Record<Language, string>>;

export function format(message: Message, language: Language, values: Readonly<Record<string, string | number>> = {}): string {
  return message[language].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Fixed texts used in problem details and mails. */
export const messages = {
  routeNotFound: { sv: 'Det finns ingen resurs på {path}.', en: 'There is no resource at {path}.' },
  methodNotAllowed: { sv: '{method} stöds inte här. Tillåtna: {allow}.', en: '{method} is not supported here. Allowed: {allow}.' },
  bodyTooLarge: { sv: 'Innehållet får vara högst {limit} byte.', en: 'The body may be at most {limit} bytes.' },
  notJson: { sv: 'Skicka innehållet som application/json.', en: 'Send the body as application/json.' },
  invalidJson: { sv: 'Innehållet är inte giltig JSON.', en: 'The body is not valid JSON.' },
  bodyRequired: { sv: 'Innehåll saknas.', en: 'A body is required.' },
  caseNotFound: { sv: 'Ärendet finns inte, eller så har du inte tillgång till det.', en: 'The case does not exist, or you have no access to it.' },
  formNotFound: { sv: 'Formuläret {formId} finns inte.', en: 'The form {formId} does not exist.' },
  signInRequired: { sv: 'Logga in för att använda den här tjänsten.', en: 'Sign in to use this service.' },
  invalidToken: { sv: 'Inloggningen är ogiltig eller har gått ut.', en: 'The sign-in token is invalid or has expired.' },
  idempotencyReused: {
    sv: 'Samma Idempotency-Key har redan använts med ett annat innehåll.',
    en: 'This Idempotency-Key was already used with a different body.',
  },
  idempotencyInProgress: {
    sv: 'En begäran med samma Idempotency-Key behandlas fortfarande. Försök igen om en stund.',
    en: 'A request with this Idempotency-Key is still being processed. Try again shortly.',
  },
  invalidIdempotencyKey: { sv: 'Idempotency-Key ska vara 1–128 synliga tecken.', en: 'Idempotency-Key must be 1–128 visible characters.' },
  tooManyAttachments: { sv: 'Ärendet har redan {max} bilagor.', en: 'The case already has {max} attachments.' },
  busy: { sv: 'Registret är hårt belastat just nu. Försök igen.', en: 'The register is very busy right now. Please try again.' },
  internal: { sv: 'Ange korrelations-id {correlationId} om du kontaktar kommunen.', en: 'Quote correlation id {correlationId} if you contact the municipality.' },
} as const satisfies Record<string, Message>;
