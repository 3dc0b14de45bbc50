/**
 * `npm run token -- resident <personnummer>` or `npm run token -- officer <department>`: prints an ID token
 * of the local identity provider, signed with the key `npm start` uses (`.local/keys/`), for
 * `Authorization: Bearer <token>` against the local API.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { luhnValid, personnummerSchema } from '../schemas/identity.js';
import { municipalitySchema } from '../schemas/municipality.js';
import { LOCAL_CLIENT_ID, createTokenIssuer, loadSigningKey, type TokenRequest } from './identity.js';
import { projectRoot } from './synth.js';

const USAGE = `Usage:
  npm run token -- resident <personnummer> [--email <address>] [--name <name>]
  npm run token -- officer <department id> [--email <address>] [--name <name>]

Prints an ID token (8 hours) of the local identity provider for the local API:
  curl -H "Authorization: Bearer $(npm run -s token -- resident 199001011239)" http://127.0.0.1:4100/me/cases

Environment: MUNICIPALITY (default jonkoping) names the department list, LOCAL_API_PORT (default 4100)
the issuer, LOCAL_DATA_DIR (default .local) the signing key.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The check digit that makes the 9 digits before it pass the Luhn check. */
function checkDigit(nineDigits: string): number {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(`${nineDigits}${digit}`)) return digit;
  return 0;
}

async function tokenRequest(args: readonly string[]): Promise<TokenRequest> {
  const { positionals, values } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) throw new UsageError('');
  const [kind, id, ...rest] = positionals;
  if (!kind || !id || rest.length > 0) throw new UsageError('expected a kind (resident or officer) and one id');
  const extra = { ...(values.email ? { email: values.email } : {}), ...(values.name ? { name: values.name } : {}) };
  if (kind === 'resident') {
    const parsed = personnummerSchema.safeParse(id);
    if (!parsed.success) {
      const digits = id.replace('-', '');
      const hint = /^\d{12}$/.test(digits) ? ` (with a correct check digit: ${digits.slice(0, 11)}${checkDigit(digits.slice(2, 11))})` : '';
      throw new UsageError(`${id} is not a valid personnummer: ${parsed.error.issues[0]?.message ?? 'invalid'}${hint}`);
    }
    return { kind, personnummer: parsed.data, ...extra };
  }
  if (kind === 'officer') {
    const municipalityId = process.env['MUNICIPALITY'] ?? 'jonkoping';
    const file = join(projectRoot, 'config', 'municipalities', `${municipalityId}.json`);
    const municipality = municipalitySchema.parse(JSON.parse(await readFile(file, 'utf8')));
    const ids = municipality.departments.map((department) => department.id);
    if (!ids.includes(id)) throw new UsageError(`${id} is not a department of ${municipalityId}; one of: ${ids.join(', ')}`);
    return { kind, departmentId: id, ...extra };
  }
  throw new UsageError(`unknown kind ${kind}: resident or officer`);
}

async function main(): Promise<void> {
  const request = await tokenRequest(process.argv.slice(2));
  const port = process.env['LOCAL_API_PORT'] ?? '4100';
  const privateJwk = await loadSigningKey(join(process.env['LOCAL_DATA_DIR'] ?? join(projectRoot, '.local'), 'keys'));
  const issueToken = createTokenIssuer({ issuer: `http://127.0.0.1:${port}/local-idp`, audience: LOCAL_CLIENT_ID, privateJwk });
  // Only the token on stdout, so that $(npm run -s token -- ...) works.
  process.stdout.write(`${await issueToken(request)}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    if (error.message) console.error(`${error.message}\n`);
    console.error(USAGE);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
