import { findForm, formCatalogue, formsRoutes, type FormDocument } from '../../schemas/forms/index.js';
import { createApiHandler } from '../shared/api-handler.js';
import { dynamoCaseRepository } from '../shared/case-repository.js';
import { documentClient, ses } from '../shared/clients.js';
import { loadMunicipality, requireEnv } from '../shared/config.js';
import { messages } from '../shared/i18n.js';
import { NotFoundError } from '../shared/errors.js';
import { sesMailer } from '../shared/mail.js';
import { dynamoIdempotencyStore } from '../shared/idempotency-store.js';
import { formDocument, formSummary } from './form-documents.js';
import { submitForm } from './submit-form.js';

const municipality = loadMunicipality();
const tableName = requireEnv('TABLE_NAME');
const cases = dynamoCaseRepository(documentClient(), tableName);
const sendMail = sesMailer(ses(), municipality.mailFrom);

// Built once per instance, on first use: the documents only change with a deployment.
const formList = { items: formCatalogue.map((f) => formSummary(f, municipality)) };
const formDocuments = new Map<string, FormDocument>();

const formOrNotFound = (formId: string) => {
  const form = findForm(formId);
  if (!form) throw new NotFoundError(messages.formNotFound, { formId });
  return form;
};

export const handler = createApiHandler({
  routes: formsRoutes,
  departmentIds: new Set(municipality.departments.map((d) => d.id)),
  idempotencyStore: dynamoIdempotencyStore(documentClient(), tableName),
  operations: {
    listForms: async () => ({ status: 200, body: formList }),
    getForm: async ({ params }) => {
      const form = formOrNotFound(params.formId);
      if (!formDocuments.has(form.formId)) formDocuments.set(form.formId, formDocument(form, municipality));
      return { status: 200, body: formDocuments.get(form.formId) };
    },
    submitForm: async ({ params, body, caller, log }) => {
      const receipt = await submitForm(
        { cases, sendMail, municipality, now: () => new Date(), log },
        { form: formOrNotFound(params.formId), answers: body as Record<string, unknown>, caller },
      );
      return { status: 201, body: receipt, headers: { Location: `/cases/${receipt.caseId}` } };
    },
  },
});
