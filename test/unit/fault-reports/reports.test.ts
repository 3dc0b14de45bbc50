import { describe, expect, it } from 'vitest';
import { changeStatus } from '../../../functions/fault-reports/change-status.js';
import { createReport, validateReport } from '../../../functions/fault-reports/create-report.js';
import { notesOf, serviceDefinitionOf, serviceOf } from '../../../functions/fault-reports/open311-views.js';
import { indexWrites } from '../../../functions/fault-reports/report-index.js';
import { loadMunicipality } from '../../../functions/shared/config.js';
import { NotFoundError, ValidationError } from '../../../functions/shared/errors.js';
import { open311ErrorResponse, problemResponse } from '../../../functions/shared/middleware/problem.js';
import type { Open311CreateRequest } from '../../../schemas/fault-reports.js';
import { memoryCaseRepository, recordingMailer, silentLogger } from '../fakes.js';

const municipality = loadMunicipality();
const valid: Open311CreateRequest = {
  api_key: 'k',
  service_code: 'street-light',
  lat: '57.7826',
  long: '14.1618',
  description: 'Lampan vid busshållplatsen lyser inte.',
  email: 'anna@example.se',
  attribute: { fault: 'out' },
};

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((e) => e.path);
    throw error;
  }
  return [];
}

describe('the fault report categories', () => {
  it('are at least six real categories, each routed to a configured department, in Swedish and English', () => {
    const codes = municipality.faultReportCategories.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['street-light', 'pothole', 'graffiti', 'litter', 'playground', 'traffic-sign']));
    for (const category of municipality.faultReportCategories) {
      expect(municipality.departments.map((d) => d.id)).toContain(category.departmentId);
      expect(serviceOf(category, 'en').service_name).toBe(category.name.en);
      expect(serviceOf(category, 'sv').service_name).toBe(category.name.sv);
    }
  });

  it('describe their attributes as GeoReport v2 service definitions', () => {
    const litter = municipality.faultReportCategories.find((c) => c.code === 'litter')!;
    expect(serviceDefinitionOf(litter, 'en').attributes[0]).toMatchObject({ code: 'kind', datatype: 'multivaluelist', required: true, order: 1, values: expect.arrayContaining([{ key: 'full-bin', name: 'Overflowing bin' }]) });
  });
});

describe('validateReport', () => {
  it('accepts a valid report and keeps the reporter apart (a secret path)', () => {
    const { category, answers } = validateReport(valid, municipality, 'sv');
    expect(category.departmentId).toBe('tekniska');
    expect(answers).toMatchObject({ serviceCode: 'street-light', lat: 57.7826, long: 14.1618, attributes: { fault: 'out' }, reporter: { email: 'anna@example.se' } });
  });

  it('accepts an address instead of a position, and list attributes sent as attribute[code][]', () => {
    const { answers } = validateReport({ api_key: 'k', service_code: 'litter', address_string: 'Västra Storgatan 1', attribute: { kind: ['full-bin', 'litter'] } }, municipality, 'en');
    expect(answers).toMatchObject({ address: 'Västra Storgatan 1', attributes: { kind: ['full-bin', 'litter'] } });
    expect(answers.lat).toBeUndefined();
  });

  it('fails when the position is outside the municipality, impossible, half given, or missing', () => {
    expect(fields(() => validateReport({ ...valid, lat: '59.3293', long: '18.0686' }, municipality, 'sv'))).toEqual(['lat']);
    expect(fields(() => validateReport({ ...valid, lat: '91', long: '14' }, municipality, 'sv'))).toEqual(['lat']);
    expect(fields(() => validateReport({ ...valid, lat: 'NaN', long: '14' }, municipality, 'sv'))).toEqual(['lat']);
    expect(fields(() => validateReport({ ...valid, long: undefined }, municipality, 'sv'))).toEqual(['lat']);
    expect(fields(() => validateReport({ ...valid, lat: undefined, long: undefined }, municipality, 'sv'))).toEqual(['lat']);
  });

  it('fails when the description is over 4000 characters or carries markup', () => {
    expect(fields(() => validateReport({ ...valid, description: 'x'.repeat(4001) }, municipality, 'sv'))).toEqual(['description']);
    for (const markup of ['<b>hej</b>', 'a <script>', '&lt;', '&#60;', '<!-- x -->']) {
      expect(fields(() => validateReport({ ...valid, description: markup }, municipality, 'sv')), markup).toEqual(['description']);
    }
    expect(fields(() => validateReport({ ...valid, description: 'x'.repeat(4000) }, municipality, 'sv'))).toEqual([]);
    expect(fields(() => validateReport({ ...valid, description: '3 < 4 & 5 > 2' }, municipality, 'sv'))).toEqual([]);
  });

  it('fails when the service is unknown, a required attribute is missing, or a value is outside its list', () => {
    expect(fields(() => validateReport({ ...valid, service_code: 'nope' }, municipality, 'sv'))).toEqual(['service_code']);
    expect(fields(() => validateReport({ ...valid, attribute: {} }, municipality, 'sv'))).toEqual(['attribute.fault']);
    expect(fields(() => validateReport({ ...valid, attribute: { fault: 'exploded' } }, municipality, 'sv'))).toEqual(['attribute.fault']);
    expect(fields(() => validateReport({ ...valid, attribute: { fault: ['out'] } }, municipality, 'sv'))).toEqual(['attribute.fault']);
    expect(fields(() => validateReport({ ...valid, attribute: { fault: 'out', colour: 'red' } }, municipality, 'sv'))).toEqual(['attribute.colour']);
    expect(fields(() => validateReport({ ...valid, service_code: 'pothole', attribute: { surface: 'road', size_cm: 'big' } }, municipality, 'sv'))).toEqual(['attribute.size_cm']);
  });
});

describe('createReport', () => {
  const deps = () => ({ cases: memoryCaseRepository(), sendMail: recordingMailer(), municipality, now: () => new Date('2026-12-04T10:00:00Z'), log: silentLogger() });

  it("registers a case in the department's series and mails the department with a map link, and the reporter a receipt", async () => {
    const d = deps();
    const created = await createReport(d, valid, 'sv');
    expect(created).toMatchObject({ status: 'open', service_code: 'street-light', service_name: 'Gatubelysning', agency_responsible: 'Tekniska kontoret', diarienummer: 'TN 2026:1', lat: 57.7826 });
    expect(created.token).toBe(created.service_request_id);
    const record = d.cases.records.get(created.service_request_id)!;
    expect(record).toMatchObject({ kind: 'fault-report', subject: 'street-light', departmentId: 'tekniska', secretPaths: ['reporter'], contactEmail: 'anna@example.se' });
    const [department, receipt] = d.sendMail.sent;
    expect(department!.to).toEqual(['tekniska@jonkoping.se']);
    expect(department!.text).toContain('https://www.openstreetmap.org/?mlat=57.7826&mlon=14.1618');
    expect(department!.text).toContain('Lyser inte');
    expect(receipt!.to).toEqual(['anna@example.se']);
    expect(receipt!.text).toMatch(/\/fault-reports\/[0-9A-Z]{26}\/unsubscribe\/[A-Za-z0-9_-]{32}/);
  });

  it('fails when the report is invalid, and stores and mails nothing', async () => {
    const d = deps();
    await expect(createReport(d, { ...valid, description: '<img src=x>' }, 'sv')).rejects.toBeInstanceOf(ValidationError);
    expect(d.cases.records.size).toBe(0);
    expect(d.sendMail.sent).toEqual([]);
  });
});

describe('changeStatus', () => {
  async function reported() {
    const d = { cases: memoryCaseRepository(), sendMail: recordingMailer(), municipality, now: () => new Date('2026-12-04T10:00:00Z'), log: silentLogger() };
    const created = await createReport(d, valid, 'sv');
    d.sendMail.sent.length = 0;
    const reports = { notification: async () => ({ email: 'anna@example.se', token: 'tok'.repeat(8) }) };
    return { d: { ...d, reports }, caseId: created.service_request_id };
  }
  const officer = (department: string) => ({ kind: 'officer' as const, sub: 'o-1', departments: [department] });

  it('lets an officer of the department close the report with notes, and mails the reporter', async () => {
    const { d, caseId } = await reported();
    const result = await changeStatus(d, { caseId, caller: officer('tekniska'), change: { status: 'closed', statusNotes: 'Lampan är bytt.' } });
    expect(result).toEqual({ caseId, status: 'closed', open311Status: 'closed', reporterNotified: true });
    expect(d.sendMail.sent[0]!.text).toContain('Lampan är bytt.');
    expect(d.sendMail.sent[0]!.text).toContain(`/fault-reports/${caseId}/unsubscribe/${'tok'.repeat(8)}`);
    // RFC 8058: mail clients can offer a one-click unsubscribe that POSTs to the same link.
    expect(d.sendMail.sent[0]!.headers).toEqual({
      'List-Unsubscribe': expect.stringMatching(new RegExp(`^<https?://\\S+/fault-reports/${caseId}/unsubscribe/${'tok'.repeat(8)}>$`)),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    const { events } = (await d.cases.getCase(caseId))!;
    expect(notesOf(events, 'en').map((n) => [n.status, n.description])).toEqual([
      ['open', 'Report received'],
      ['closed', 'Closed: Lampan är bytt.'],
    ]);
  });

  it('fails with 404 for an officer of another department or a resident', async () => {
    const { d, caseId } = await reported();
    await expect(changeStatus(d, { caseId, caller: officer('miljo'), change: { status: 'in-progress' } })).rejects.toBeInstanceOf(NotFoundError);
    await expect(changeStatus(d, { caseId, caller: { kind: 'resident', sub: 'r' }, change: { status: 'in-progress' } })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('indexWrites', () => {
  const report = { caseId: '01JEX4V6S7D9W0Y2A4C6E8G0J2', serviceCode: 'pothole', departmentId: 'tekniska', status: 'open' as const, lat: 57.78, long: 14.16, requestedAt: '2026-12-01T10:00:00.000Z', updatedAt: '2026-12-01T10:00:00.000Z' };

  it('keys the list by month, the geo index by geohash cell, and keeps open reports as duplicate candidates for 30 days', () => {
    const writes = indexWrites(report);
    const keys = writes.map((w) => ('put' in w ? [w.put.pk, w.put.sk] : ['delete', w.delete.pk]));
    expect(keys).toEqual([
      ['O311#2026-12', `2026-12-01T10:00:00.000Z#${report.caseId}`],
      ['O311GEO#u660', expect.stringMatching(/^u660\w{5}#/)],
      ['O311DUP#pothole#u660', expect.stringMatching(/^u660\w{5}#/)],
    ]);
    const duplicate = writes[2] as { put: Record<string, unknown> };
    expect(duplicate.put.expiresAt).toBe(Date.parse('2026-12-31T10:00:00.000Z') / 1000);
    expect(JSON.stringify(writes)).not.toMatch(/email|reporter/);
  });

  it('removes a closed report from the duplicate candidates and lets it expire from the geo index after 90 days', () => {
    const closed = { ...report, status: 'closed' as const, updatedAt: '2026-12-02T10:00:00.000Z' };
    const writes = indexWrites(closed, { previous: report });
    expect(writes[2]).toEqual({ delete: { pk: 'O311DUP#pothole#u660', sk: expect.any(String) } });
    expect((writes[1] as { put: Record<string, unknown> }).put.expiresAt).toBe(Date.parse('2026-12-02T10:00:00.000Z') / 1000 + 90 * 86400);
  });
});

describe('Open311 errors', () => {
  it("represent the one mapping's problem as [{code, description}], in JSON or XML by the path", () => {
    const problem = problemResponse(new ValidationError([{ path: 'body.lat', message: 'Impossible position.' }]), 'en', 'c-1', '/open311/v2/requests.json');
    const json = open311ErrorResponse(problem, '/open311/v2/requests.json');
    expect(json.statusCode).toBe(400);
    expect(JSON.parse(json.body)).toEqual([{ code: 400, description: 'Check the fields listed in errors. lat: Impossible position.' }]);
    const xml = open311ErrorResponse(problem, '/open311/v2/requests.xml');
    expect(xml.headers?.['Content-Type']).toBe('text/xml; charset=utf-8');
    expect(xml.body).toContain('<errors><error><code>400</code><description>Check the fields listed in errors. lat: Impossible position.</description></error></errors>');
  });
});
