import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findForm } from '../../../schemas/forms/index.js';
import { municipalitySchema } from '../../../schemas/municipality.js';
import { submitForm } from '../../../functions/forms/submit-form.js';
import { listMyCases, readCase } from '../../../functions/cases/read-case.js';
import { NotFoundError, UnauthorizedError } from '../../../functions/shared/errors.js';
import type { Caller } from '../../../functions/shared/http.js';
import { validAnswers } from '../../events/answers.js';
import { memoryCaseRepository, recordingMailer, silentLogger } from '../fakes.js';

const municipality = municipalitySchema.parse(JSON.parse(readFileSync('config/municipalities/jonkoping.json', 'utf8')));

async function parkingCase(caller: Caller) {
  const cases = memoryCaseRepository();
  const form = findForm('parkeringstillstand')!;
  const receipt = await submitForm(
    { cases, sendMail: recordingMailer(), municipality, now: () => new Date(), log: silentLogger() },
    { form, answers: form.schema.parse(validAnswers.parkeringstillstand), caller },
  );
  return { cases, receipt };
}

describe('readCase', () => {
  it('shows the owner the status and history with secret answers masked', async () => {
    const owner: Caller = { kind: 'resident', sub: 'owner-1' };
    const { cases, receipt } = await parkingCase(owner);
    const view = await readCase({ cases, municipality }, { caseId: receipt.caseId, caller: owner });
    expect(view).toMatchObject({ diarienummer: receipt.diarienummer, status: 'received', department: { id: 'tekniska' } });
    expect(view.history.map((e) => e.type)).toEqual(['submitted']);
    expect(view.answers).toMatchObject({ applicant: { personnummer: '***' }, disability: '***', permitFor: 'driver' });
    expect(JSON.stringify(view)).not.toContain('199001011239');
  });

  it('lets anyone with the access code and officers of the department read the case', async () => {
    const { cases, receipt } = await parkingCase({ kind: 'anonymous' });
    await expect(readCase({ cases, municipality }, { caseId: receipt.caseId, caller: { kind: 'anonymous' }, accessCode: receipt.accessCode })).resolves.toBeDefined();
    await expect(
      readCase({ cases, municipality }, { caseId: receipt.caseId, caller: { kind: 'officer', sub: 'o', departments: ['tekniska'] } }),
    ).resolves.toBeDefined();
  });

  it.each<[string, Caller, string | undefined]>([
    ['another resident', { kind: 'resident', sub: 'someone-else' }, undefined],
    ['an officer of another department', { kind: 'officer', sub: 'o', departments: ['miljo'] }, undefined],
    ['an anonymous caller with a wrong code', { kind: 'anonymous' }, 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH'],
    ['an anonymous caller without a code', { kind: 'anonymous' }, undefined],
  ])('fails with 404 (not 403) for %s', async (_who, caller, accessCode) => {
    const { cases, receipt } = await parkingCase({ kind: 'resident', sub: 'owner-1' });
    await expect(readCase({ cases, municipality }, { caseId: receipt.caseId, caller, accessCode })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fails with 404 for a case that does not exist', async () => {
    await expect(readCase({ cases: memoryCaseRepository(), municipality }, { caseId: '01JEX4V6S7D9W0Y2A4C6E8G0J2', caller: { kind: 'anonymous' } })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('listMyCases', () => {
  it("lists only the resident's own cases", async () => {
    const { cases, receipt } = await parkingCase({ kind: 'resident', sub: 'owner-1' });
    const page = await listMyCases({ cases }, { caller: { kind: 'resident', sub: 'owner-1' }, limit: 10 });
    expect(page.items.map((c) => c.caseId)).toEqual([receipt.caseId]);
    expect((await listMyCases({ cases }, { caller: { kind: 'resident', sub: 'other' }, limit: 10 })).items).toEqual([]);
  });

  it('fails when nobody is signed in', async () => {
    await expect(listMyCases({ cases: memoryCaseRepository() }, { caller: { kind: 'anonymous' }, limit: 10 })).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
