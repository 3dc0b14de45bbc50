import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findForm } from '../../../schemas/forms/index.js';
import { municipalitySchema } from '../../../schemas/municipality.js';
import { submitForm } from '../../../functions/forms/submit-form.js';
import { accessCodeMatches } from '../../../functions/shared/ids.js';
import { validAnswers } from '../../events/answers.js';
import { memoryCaseRepository, recordingMailer, silentLogger } from '../fakes.js';

const municipality = municipalitySchema.parse(JSON.parse(readFileSync('config/municipalities/jonkoping.json', 'utf8')));
const now = () => new Date('2026-12-04T10:00:00Z');

describe('submitForm', () => {
  it('registers a case in the department series, stores only the access code hash and mails a receipt', async () => {
    // Prepare
    const cases = memoryCaseRepository();
    const sendMail = recordingMailer();
    const form = findForm('varmepump')!;
    // Act
    const receipt = await submitForm(
      { cases, sendMail, municipality, now, log: silentLogger() },
      { form, answers: form.schema.parse(validAnswers.varmepump), caller: { kind: 'anonymous' } },
    );
    // Assess
    expect(receipt.diarienummer).toBe('MHN 2026:1');
    const stored = cases.records.get(receipt.caseId)!;
    expect(JSON.stringify(stored)).not.toContain(receipt.accessCode);
    expect(accessCodeMatches(receipt.accessCode, stored.accessCodeHash)).toBe(true);
    expect(stored.ownerSub).toBeUndefined();
    expect(stored.secretPaths).toEqual(['owner.identityNumber']);
    expect(sendMail.sent).toHaveLength(1);
    expect(sendMail.sent[0]!.to).toEqual(['forvaltning@example.se']);
    expect(sendMail.sent[0]!.text).toContain('MHN 2026:1');
    expect(sendMail.sent[0]!.text).toContain(receipt.caseUrl);
  });

  it('makes a signed-in resident the owner and numbers cases of a series consecutively', async () => {
    const cases = memoryCaseRepository();
    const form = findForm('synpunkt')!;
    const deps = { cases, sendMail: recordingMailer(), municipality, now, log: silentLogger() };
    const caller = { kind: 'resident', sub: 'r-1' } as const;
    const first = await submitForm(deps, { form, answers: form.schema.parse(validAnswers.synpunkt), caller });
    const second = await submitForm(deps, { form, answers: form.schema.parse(validAnswers.synpunkt), caller });
    expect([first.diarienummer, second.diarienummer]).toEqual(['KS 2026:1', 'KS 2026:2']);
    expect(cases.records.get(first.caseId)!.ownerSub).toBe('r-1');
  });

  it('keeps the case when the receipt mail fails', async () => {
    const cases = memoryCaseRepository();
    const form = findForm('synpunkt')!;
    const failing = async () => {
      throw new Error('SES down');
    };
    const receipt = await submitForm(
      { cases, sendMail: failing, municipality, now, log: silentLogger() },
      { form, answers: form.schema.parse(validAnswers.synpunkt), caller: { kind: 'anonymous' } },
    );
    expect(cases.records.has(receipt.caseId)).toBe(true);
  });

  it('sends no receipt when the answers carry no e-mail address', async () => {
    const sendMail = recordingMailer();
    const form = findForm('synpunkt')!;
    const { contact: _c, ...anonymous } = validAnswers.synpunkt;
    await submitForm(
      { cases: memoryCaseRepository(), sendMail, municipality, now, log: silentLogger() },
      { form, answers: form.schema.parse({ ...anonymous, wantsAnswer: false }), caller: { kind: 'anonymous' } },
    );
    expect(sendMail.sent).toEqual([]);
  });
});
