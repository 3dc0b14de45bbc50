/**
 * `npm run open311-key -- "<client name>" [--rate <requests per minute>] [--table <name>] [--local]`
 *
 * Issues an Open311 API key for one client (an app, a partner's system): prints the key once and stores
 * only its SHA-256 hash in the cases table, with the client's own rate limit. On AWS, pass the table name
 * (output `TableName` of the stack `eservices-<municipality>-stateful`) and use the usual AWS credentials
 * and region. `--local` talks to `npm start`'s DynamoDB Local (LOCAL_DYNAMODB_PORT, default 4101).
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_RATE_PER_MINUTE, issueApiKey } from '../functions/fault-reports/api-keys.js';

const USAGE = `Usage: npm run open311-key -- "<client name>" [--rate <requests per minute, default ${DEFAULT_RATE_PER_MINUTE}>] (--table <table name> | --local)`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { rate: { type: 'string' }, table: { type: 'string' }, local: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const clientName = positionals.join(' ').trim();
  const rate = values.rate === undefined ? DEFAULT_RATE_PER_MINUTE : Number(values.rate);
  if (values.help || !clientName || !Number.isInteger(rate) || rate < 1 || (!values.table && !values.local)) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const client = values.local
    ? new DynamoDBClient({
        endpoint: `http://127.0.0.1:${process.env.LOCAL_DYNAMODB_PORT || 4101}`,
        region: process.env.AWS_REGION ?? 'eu-north-1',
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      })
    : new DynamoDBClient({});
  let table = values.table;
  if (!table) {
    // npm start provisions one table.
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    if (TableNames.length !== 1) throw new Error(`expected the one table of npm start, found: ${TableNames.join(', ') || 'none'} (is npm start running?)`);
    table = TableNames[0]!;
  }
  const { apiKey, client: issued } = await issueApiKey(DynamoDBDocumentClient.from(client), table, { clientName, ratePerMinute: rate });
  console.log(`Open311 api_key for "${issued.clientName}" (${issued.ratePerMinute} requests per minute, client id ${issued.clientId}):\n${apiKey}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
