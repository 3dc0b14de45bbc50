// Permit workflows in `npm run bench`: state transitions of the restaurant permit's happy path (four
// departments), counted from GetExecutionHistory, and what one permit costs at AWS list prices.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { AwsCallLog, type AwsCall } from '../local/aws-call-log.js';
import { startLocalPlatform } from '../local/platform.js';
import { createTokenIssuer } from '../local/identity.js';

/**
 * AWS list prices assumed (US East (N. Virginia), on-demand, no free tier; eu-north-1 is within a few per
 * cent of these). Per unit, in USD.
 */
export const PRICES = {
  region: 'us-east-1',
  stepFunctionsTransition: 0.025 / 1000,
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  dynamoWriteUnit: 0.625 / 1_000_000,
  dynamoReadUnit: 0.125 / 1_000_000,
  sesMail: 0.1 / 1000,
  s3Put: 0.005 / 1000,
} as const;

/**
 * Request units per call, a stated approximation: items here are under 1 KB (writes) and 4 KB (reads); a
 * transaction costs two units per item, and the platform's transactions write two or three items.
 */
const UNITS: Record<string, { write?: number; read?: number }> = {
  PutItem: { write: 1 },
  UpdateItem: { write: 1 },
  DeleteItem: { write: 1 },
  TransactWriteItems: { write: 5 },
  GetItem: { read: 1 },
  Query: { read: 1 },
};

const MEMORY_GB = 1;
const BILLED_MS_FLOOR = 1;

const application = (email: string) => ({
  company: { organisationsnummer: '556036-0793', name: 'Bench Bistro AB' },
  premises: { name: 'Bench Bistro', address: { street: 'Storgatan 1', postalCode: '553 20', city: 'Jönköping' }, seats: 50 },
  openingHours: [{ days: 'every-day', opens: '11:00', closes: '23:00' }],
  servesAlcohol: true,
  changesUseOfPremises: true,
  contact: { name: 'Bench', email },
});

const DEPARTMENTS = { miljo: 'miljo@jonkoping.se', social: 'socialforvaltningen@jonkoping.se', stadsbyggnad: 'stadsbyggnad@jonkoping.se', raddning: 'raddningstjansten@jonkoping.se' };

export async function permits(): Promise<void> {
  const awsCallLog = new AwsCallLog();
  const platform = await startLocalPlatform({ quiet: true, awsCallLog });
  const sfn = new SFNClient({ endpoint: platform.stepFunctionsUrl, region: platform.env.region, credentials: platform.env.credentials });
  try {
    const issue = createTokenIssuer(platform.identity);
    const inbox = async () => ((await (await fetch(`${platform.sesUrl}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] }).emails;
    const waitForMail = async (address: string, subject: string) => {
      for (let i = 0; i < 300; i++) {
        const mail = (await inbox()).find((m) => m.destination.to.includes(address) && m.subject.includes(subject));
        if (mail) return mail;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no mail "${subject}" to ${address}`);
    };
    const requestMs: number[] = [];
    const timed = async (input: string, init?: RequestInit) => {
      const started = performance.now();
      const response = await fetch(input, init);
      const body = (await response.json()) as Record<string, string>;
      requestMs.push(performance.now() - started);
      if (response.status >= 300) throw new Error(`${input}: ${response.status} ${JSON.stringify(body)}`);
      return body;
    };

    const run = async (email: string) => {
      const receipt = await timed(`${platform.apiUrl}/permits/restaurant`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(application(email)) });
      for (const [department, address] of Object.entries(DEPARTMENTS)) {
        const mail = await waitForMail(address, receipt.diarienummer!);
        const taskId = /\/tasks\/([A-Za-z0-9_-]{32})/.exec(mail.body.text ?? '')![1]!;
        const token = await issue({ kind: 'officer', departmentId: department });
        // The officer opens the link, then decides.
        await timed(`${platform.apiUrl}/tasks/${taskId}`, { headers: { Authorization: `Bearer ${token}` } });
        await timed(`${platform.apiUrl}/tasks/${taskId}/decision`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({ outcome: 'approve', reason: 'Uppfyller kraven.' }),
        });
      }
      await waitForMail(email, 'Beslut i ärende');
      return receipt.caseId!;
    };

    // A first permit warms every function; the second is the one measured.
    await run('warm@example.se');
    requestMs.length = 0;
    let caseId = '';
    const calls: AwsCall[] = await awsCallLog.during(async () => {
      caseId = await run('bench@example.se');
    });

    const machine = platform.stateMachines['Api/Permits/Workflow-restaurant/Resource']!;
    const executionArn = `${machine.replace(':stateMachine:', ':execution:')}:case-${caseId}`;
    for (let i = 0; i < 100 && (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 50));
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const transitions = events.filter((e) => e.type?.endsWith('StateEntered')).length;
    const lambdaTasks = events.filter((e) => e.type === 'TaskStateEntered').length;

    const count = (service: string, operation?: string) => calls.filter((c) => c.service === service && (!operation || c.operation === operation)).length;
    const dynamo = calls.filter((c) => c.service === 'dynamodb');
    const writeUnits = dynamo.reduce((sum, c) => sum + (UNITS[c.operation]?.write ?? 0), 0);
    const readUnits = dynamo.reduce((sum, c) => sum + (UNITS[c.operation]?.read ?? 0), 0);
    const mails = count('sesv2');
    const s3Puts = count('s3', 'PutObject');
    const invocations = requestMs.length + lambdaTasks;
    // Billed duration per invocation: the median API round trip through the local runtime (an upper bound
    // of a warm Lambda's duration: it includes the gateway stand-in and the emulators).
    const medianMs = Math.max(BILLED_MS_FLOOR, [...requestMs].sort((a, b) => a - b)[Math.floor(requestMs.length / 2)]!);
    const gbSeconds = invocations * (Math.ceil(medianMs) / 1000) * MEMORY_GB;

    const cost = {
      'Step Functions transitions': transitions * PRICES.stepFunctionsTransition,
      'Lambda requests': invocations * PRICES.lambdaRequest,
      'Lambda duration (arm64)': gbSeconds * PRICES.lambdaGbSecondArm,
      'DynamoDB writes': writeUnits * PRICES.dynamoWriteUnit,
      'DynamoDB reads': readUnits * PRICES.dynamoReadUnit,
      'SES mails': mails * PRICES.sesMail,
      'S3 PUT (letter)': s3Puts * PRICES.s3Put,
    };
    const total = Object.values(cost).reduce((a, b) => a + b, 0);

    console.log('\n## Permit workflow: one restaurant permit, four departments, all approve (happy path)\n');
    console.log('| measure | value | target |');
    console.log('| --- | --- | --- |');
    console.log(`| state transitions (StateEntered events of GetExecutionHistory) | ${transitions} | <= 80 (${transitions <= 80 ? 'met' : 'not met'}) |`);
    console.log(`| Lambda invocations | ${invocations} (${requestMs.length} API requests, ${lambdaTasks} workflow tasks) | |`);
    console.log(`| DynamoDB calls | ${dynamo.length}: ${[...new Set(dynamo.map((c) => c.operation))].map((op) => `${count('dynamodb', op)} × ${op}`).join(', ')} | |`);
    console.log(`| DynamoDB units (approx.) | ${writeUnits} WRU, ${readUnits} RRU | |`);
    console.log(`| mails | ${mails} | |`);
    console.log(`| billed duration assumed per invocation | ${Math.ceil(medianMs)} ms at ${MEMORY_GB * 1024} MB | |`);
    console.log(`\nCost of one permit at ${PRICES.region} list prices (USD): Step Functions $0.025/1000 transitions, Lambda arm64 $0.0000133334/GB-s and $0.20/1M requests, DynamoDB on-demand $0.625/1M WRU and $0.125/1M RRU, SES $0.10/1000 mails, S3 $0.005/1000 PUT.\n`);
    console.log('| item | USD per permit |');
    console.log('| --- | --- |');
    for (const [item, usd] of Object.entries(cost)) console.log(`| ${item} | ${usd.toFixed(6)} |`);
    console.log(`| **total** | **${total.toFixed(6)}** (${(total * 1000).toFixed(2)} USD per 1000 permits) |`);
  } finally {
    sfn.destroy();
    await platform.stop();
  }
}
