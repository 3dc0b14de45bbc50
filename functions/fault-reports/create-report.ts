import { randomBytes } from 'node:crypto';
import type { FaultReportCategory } from '../../schemas/fault-report-categories.js';
import { MAX_DESCRIPTION_LENGTH, type Open311CreateRequest } from '../../schemas/fault-reports.js';
import type { Municipality } from '../../schemas/municipality.js';
import { registerYear, type CaseRecord } from '../shared/case-model.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { departmentById, publicBaseUrl } from '../shared/config.js';
import { ValidationError, type FieldError } from '../shared/errors.js';
import type { Caller } from '../shared/http.js';
import { hashAccessCode, newAccessCode, newUlid } from '../shared/ids.js';
import type { Language } from '../shared/i18n.js';
import type { Logger } from '../shared/logger.js';
import { escapeHtml, oneClickUnsubscribe, type SendMail } from '../shared/mail.js';
import { contains } from './geo.js';
import { FAULT_REPORT_KIND, localized, requestOf, summaryOf, type ReportAnswers } from './open311-views.js';
import { indexWrites } from './report-index.js';

export interface CreateReportDeps {
  readonly cases: CaseRepository;
  readonly sendMail: SendMail;
  readonly municipality: Municipality;
  readonly now: () => Date;
  readonly log: Logger;
}

const refused = { sv: 'Felanmälan kunde inte tas emot: se errors.', en: 'The report was not accepted: see errors.' };

/** Markup in a description: tags, comments, processing instructions or character references. */
const MARKUP = /<\s*[A-Za-z!/?]|&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]+);/i;
const DECIMAL = /^[+-]?\d{1,3}(?:\.\d{1,12})?$/;

/** The checks beyond the form's shape: service, attributes, position, description. Returns the answers to store. */
export function validateReport(input: Open311CreateRequest, municipality: Municipality, language: Language): { category: FaultReportCategory; answers: ReportAnswers } {
  const errors: FieldError[] = [];
  const add = (path: string, sv: string, en: string) => errors.push({ path, message: language === 'en' ? en : sv });
  const category = municipality.faultReportCategories.find((c) => c.code === input.service_code);
  if (!category) add('service_code', `Tjänsten ${input.service_code.slice(0, 40)} finns inte.`, `There is no service ${input.service_code.slice(0, 40)}.`);

  // Position: lat and long together, as WGS 84 decimals, inside the municipality; or an address.
  let lat: number | undefined;
  let long: number | undefined;
  if ((input.lat === undefined) !== (input.long === undefined)) add('lat', 'Ange både lat och long.', 'Send both lat and long.');
  else if (input.lat !== undefined && input.long !== undefined) {
    if (!DECIMAL.test(input.lat) || !DECIMAL.test(input.long)) add('lat', 'lat och long ska vara decimaltal (WGS 84).', 'lat and long must be decimal numbers (WGS 84).');
    else {
      lat = Number(input.lat);
      long = Number(input.long);
      if (Math.abs(lat) > 90 || Math.abs(long) > 180) add('lat', 'Omöjlig position.', 'Impossible position.');
      else if (!contains(municipality.boundingBox, lat, long)) {
        add('lat', `Positionen ligger utanför ${municipality.name.sv}.`, `The position is outside ${municipality.name.en}.`);
      }
    }
  } else if (!input.address_string?.trim() && !input.address_id?.trim()) {
    add('lat', 'Ange en position (lat och long) eller en adress (address_string).', 'Send a position (lat and long) or an address (address_string).');
  }

  const description = input.description?.trim() || undefined;
  if (description !== undefined) {
    if (description.length > MAX_DESCRIPTION_LENGTH) add('description', `Högst ${MAX_DESCRIPTION_LENGTH} tecken.`, `At most ${MAX_DESCRIPTION_LENGTH} characters.`);
    // eslint-disable-next-line no-control-regex
    else if (MARKUP.test(description) || /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(description)) add('description', 'Beskrivningen får inte innehålla märkning (HTML) eller styrtecken.', 'The description may not contain markup (HTML) or control characters.');
  }

  const attributes: Record<string, string | string[]> = {};
  if (category) {
    const sent = input.attribute ?? {};
    for (const code of Object.keys(sent)) {
      if (!category.attributes.some((a) => a.code === code)) add(`attribute.${code.slice(0, 40)}`, 'Okänt attribut för tjänsten.', 'Not an attribute of this service.');
    }
    for (const attribute of category.attributes) {
      const path = `attribute.${attribute.code}`;
      const value = sent[attribute.code];
      const empty = value === undefined || (Array.isArray(value) ? value.length === 0 : value.trim() === '');
      if (empty) {
        if (attribute.required) add(path, 'Obligatoriskt.', 'Required.');
        continue;
      }
      const keys = new Set(attribute.values?.map((v) => v.key));
      switch (attribute.datatype) {
        case 'multivaluelist': {
          const list = Array.isArray(value) ? value : [value];
          if (list.some((v) => !keys.has(v))) add(path, 'Värde utanför listan.', 'A value outside the list.');
          else attributes[attribute.code] = [...new Set(list)];
          break;
        }
        case 'singlevaluelist':
          if (Array.isArray(value) || !keys.has(value)) add(path, 'Värde utanför listan.', 'A value outside the list.');
          else attributes[attribute.code] = value;
          break;
        case 'number':
          if (Array.isArray(value) || !/^-?\d{1,9}(?:\.\d{1,6})?$/.test(value.trim())) add(path, 'Ska vara ett tal.', 'Must be a number.');
          else attributes[attribute.code] = value.trim();
          break;
        case 'datetime':
          if (Array.isArray(value) || Number.isNaN(Date.parse(value))) add(path, 'Ska vara datum och tid (ISO 8601).', 'Must be a date and time (ISO 8601).');
          else attributes[attribute.code] = new Date(value).toISOString();
          break;
        default:
          if (Array.isArray(value) || value.length > (attribute.datatype === 'text' ? 2000 : 200) || MARKUP.test(value)) add(path, 'Ogiltig text (för lång eller med märkning).', 'Invalid text (too long or with markup).');
          else attributes[attribute.code] = value.trim();
      }
    }
  }
  if (errors.length > 0 || !category) throw new ValidationError(errors, refused);

  const reporter = {
    ...(input.email ? { email: input.email } : {}),
    ...(input.first_name?.trim() ? { firstName: input.first_name.trim() } : {}),
    ...(input.last_name?.trim() ? { lastName: input.last_name.trim() } : {}),
    ...(input.phone?.trim() ? { phone: input.phone.trim() } : {}),
  };
  return {
    category,
    answers: {
      serviceCode: category.code,
      ...(description ? { description } : {}),
      ...(input.address_string?.trim() ? { address: input.address_string.trim() } : {}),
      ...(input.address_id?.trim() ? { addressId: input.address_id.trim() } : {}),
      ...(lat !== undefined && long !== undefined ? { lat, long } : {}),
      ...(input.media_url ? { mediaUrl: input.media_url } : {}),
      attributes,
      ...(Object.keys(reporter).length ? { reporter } : {}),
    },
  };
}

/** A new fault report: validated, registered as a case with its index items, mailed to the department. */
export async function createReport(deps: CreateReportDeps, input: Open311CreateRequest, language: Language, caller: Caller = { kind: 'anonymous' }) {
  const { municipality } = deps;
  const { category, answers } = validateReport(input, municipality, language);
  const department = departmentById(municipality, category.departmentId);
  const now = deps.now();
  const at = now.toISOString();
  const accessCode = newAccessCode();
  const unsubscribeToken = randomBytes(24).toString('base64url');
  const email = answers.reporter?.email;

  const record = await deps.cases.createCase(
    {
      caseId: newUlid(now.getTime()),
      series: department.registerSeries,
      year: registerYear(now, municipality.timeZone),
      kind: FAULT_REPORT_KIND,
      subject: category.code,
      title: { sv: category.name.sv, en: category.name.en },
      departmentId: department.id,
      ownerSub: caller.kind === 'resident' ? caller.sub : undefined,
      accessCodeHash: hashAccessCode(accessCode),
      answers: answers as unknown as Record<string, unknown>,
      secretPaths: ['reporter'],
      contactEmail: email,
      createdAt: at,
    },
    { type: 'submitted', at, actor: caller.kind === 'resident' ? { kind: 'resident', sub: caller.sub } : { kind: 'resident' }, data: { serviceCode: category.code, channel: 'open311' } },
    {
      extraWrites: (created) =>
        indexWrites(summaryOf(created, [], municipality), { notification: email ? { email, token: unsubscribeToken } : undefined }),
    },
  );

  const summary = summaryOf(record, [], municipality);
  await deps.sendMail(departmentMail(record, answers, category, municipality)).catch((error: unknown) => deps.log.error('department mail failed', { caseId: record.caseId, error }));
  if (email) {
    await deps.sendMail(reporterReceipt(record, category, municipality, unsubscribeToken, email)).catch((error: unknown) => deps.log.error('receipt mail failed', { caseId: record.caseId, error }));
  }
  return {
    ...requestOf(summary, municipality, language),
    token: record.caseId,
    account_id: null,
    diarienummer: record.diarienummer,
    access_code: accessCode,
  };
}

/** A link to the position on OpenStreetMap. */
export function mapLink(lat: number, long: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${long}#map=18/${lat}/${long}`;
}

export function unsubscribeLink(municipality: Municipality, caseId: string, token: string): string {
  return `${publicBaseUrl(municipality)}/fault-reports/${caseId}/unsubscribe/${token}`;
}

export function departmentMail(record: CaseRecord, answers: ReportAnswers, category: FaultReportCategory, municipality: Municipality) {
  const department = departmentById(municipality, category.departmentId);
  const base = publicBaseUrl(municipality);
  const caseUrl = `${base}/cases/${record.caseId}`;
  const reportUrl = `${base}/open311/v2/requests/${record.caseId}.json`;
  const map = answers.lat !== undefined && answers.long !== undefined ? mapLink(answers.lat, answers.long) : undefined;
  const attributeLines = category.attributes
    .filter((a) => answers.attributes[a.code] !== undefined)
    .map((a) => {
      const value = answers.attributes[a.code]!;
      const names = (Array.isArray(value) ? value : [value]).map((v) => a.values?.find((x) => x.key === v)?.name.sv ?? String(v));
      return `${a.description.sv} ${names.join(', ')}`;
    });
  const lines = [
    `Ny felanmälan: ${category.name.sv} (${record.diarienummer})`,
    ``,
    `Beskrivning: ${answers.description ?? '(ingen)'}`,
    ...attributeLines,
    `Plats: ${answers.address ?? ''}${answers.lat !== undefined ? ` ${answers.lat}, ${answers.long}` : ''}`,
    ...(map ? [`Karta: ${map}`] : []),
    `Foton: ${answers.mediaUrl ?? 'bifogade foton visas i ärendet när de har laddats upp'}`,
    `Ärendet (logga in som handläggare): ${caseUrl}`,
    `Open311: ${reportUrl}`,
    `Sätt status: POST ${base}/fault-reports/${record.caseId}/status`,
  ];
  const html = `<!doctype html><html lang="sv"><body>
<h1>Ny felanmälan: ${escapeHtml(category.name.sv)}</h1>
<p>Diarienummer: <strong>${escapeHtml(record.diarienummer)}</strong> · ${escapeHtml(department.name.sv)}</p>
<p>${escapeHtml(answers.description ?? '(ingen beskrivning)')}</p>
<ul>${attributeLines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p>Plats: ${escapeHtml(answers.address ?? '')}${map ? ` <a href="${escapeHtml(map)}">Visa på kartan</a>` : ''}</p>
${answers.mediaUrl ? `<p><a href="${escapeHtml(answers.mediaUrl)}">Foto</a></p>` : '<p>Foton visas i ärendet när de har laddats upp.</p>'}
<p><a href="${escapeHtml(caseUrl)}">Öppna ärendet</a></p>
</body></html>`;
  return { to: [department.email], subject: `Felanmälan ${record.diarienummer}: ${category.name.sv}`, text: lines.join('\n'), html };
}

function reporterReceipt(record: CaseRecord, category: FaultReportCategory, municipality: Municipality, token: string, email: string) {
  const unsubscribe = unsubscribeLink(municipality, record.caseId, token);
  const follow = `${publicBaseUrl(municipality)}/open311/v2/requests/${record.caseId}.json`;
  const text = [
    `Tack för din felanmälan (${localized(category.name, 'sv')}), diarienummer ${record.diarienummer}.`,
    `Du får ett mejl när statusen ändras. Följ den: ${follow}`,
    `Vill du inte ha fler mejl om den här anmälan: ${unsubscribe}`,
    ``,
    `Thank you for your report (${localized(category.name, 'en')}), case number ${record.diarienummer}.`,
    `You will be mailed when its status changes. Follow it: ${follow}`,
    `To stop these mails: ${unsubscribe}`,
  ].join('\n');
  return { to: [email], subject: `Felanmälan ${record.diarienummer} mottagen / Report received`, text, headers: oneClickUnsubscribe(unsubscribe) };
}
