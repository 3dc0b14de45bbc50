import { casesRoutes } from '../../schemas/cases.js';
import { createApiHandler } from '../shared/api-handler.js';
import { accessCodeOf } from '../shared/case-access.js';
import { dynamoCaseRepository } from '../shared/case-repository.js';
import { documentClient, s3 } from '../shared/clients.js';
import { loadMunicipality, requireEnv } from '../shared/config.js';
import { dynamoIdempotencyStore } from '../shared/idempotency-store.js';
import { listMyCases, readCase } from './read-case.js';
import { requestAttachment, s3PutPresigner } from './request-attachment.js';

const municipality = loadMunicipality();
const tableName = requireEnv('TABLE_NAME');
const bucket = requireEnv('ATTACHMENTS_BUCKET');
const cases = dynamoCaseRepository(documentClient(), tableName);
const presignPut = s3PutPresigner(s3(), bucket);

export const handler = createApiHandler({
  routes: casesRoutes,
  departmentIds: new Set(municipality.departments.map((d) => d.id)),
  idempotencyStore: dynamoIdempotencyStore(documentClient(), tableName),
  operations: {
    getCase: async ({ params, query, headers, caller }) => ({
      status: 200,
      body: await readCase({ cases, municipality }, { caseId: params.caseId, caller, accessCode: accessCodeOf(headers, query) }),
    }),
    listMyCases: async ({ query, caller }) => ({
      status: 200,
      body: await listMyCases({ cases }, { caller, limit: query.limit, cursor: query.cursor }),
    }),
    addAttachment: async ({ params, query, headers, caller, body }) => ({
      status: 201,
      body: await requestAttachment(
        { cases, presignPut, now: () => new Date() },
        { caseId: params.caseId, caller, accessCode: accessCodeOf(headers, query), attachment: body },
      ),
    }),
  },
});
