import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '../functions/adapters/dynamo-tenant.store.js';
import { grantApiKey, listApiKeys, revokeApiKey } from '../functions/core/tenants.js';
import { tables } from '../functions/resources.js';

// This machine may run Node 20 (package.json engines) while Lambda runs 22: the SDK's notice about it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm run keys -- create --tenant ID [--name NAME]
       npm run keys -- list --tenant ID
       npm run keys -- revoke --tenant ID --key KEY_ID

create  Creates the tenant if it does not exist and prints a new API key for it, and only that, on
        stdout (store it: it is shown once; its id goes to stderr). A tenant may hold several keys:
        create a second one to rotate, then revoke the first.
list    Prints the tenant's keys, one a line: key id and creation time (never a secret or a hash).
revoke  Deletes the key with this id: from the next request on, it answers 401.

Targets the deployed tables when ${tables.jobs.env} is set (with your AWS credentials), otherwise the
local runtime started by \`npm start\` (read from .local/runtime.json, or INTAKE_STATE_FILE).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    name: { type: 'string' },
    key: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const command = positionals[0];
const valid =
  values.tenant !== undefined &&
  (command === 'create' || command === 'list' || (command === 'revoke' && values.key !== undefined));
if (values.help || !valid || values.tenant === undefined) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
const tenantId = values.tenant;

if (!process.env[tables.jobs.env]) {
  const stateFile = resolve(process.env.INTAKE_STATE_FILE ?? '.local/runtime.json');
  if (!existsSync(stateFile)) {
    console.error(
      `${tables.jobs.env} is not set and ${stateFile} does not exist: start Intake with \`npm start\` first.`,
    );
    process.exit(1);
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { env: Record<string, string> };
  for (const [name, value] of Object.entries(state.env)) process.env[name] ??= value;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

const store = new DynamoTenantStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({})),
  process.env[tables.jobs.env] as string,
);
try {
  if (command === 'create') {
    const granted = await grantApiKey(
      store,
      { id: tenantId, name: values.name ?? tenantId },
      new Date().toISOString(),
    );
    console.log(granted.key);
    console.error(`Key id: ${granted.id}`);
  } else if (command === 'list') {
    for (const key of await listApiKeys(store, tenantId)) console.log(`${key.id}\t${key.created_at}`);
  } else {
    await revokeApiKey(store, tenantId, values.key as string);
    console.error(`Revoked ${values.key}`);
  }
} catch (error) {
  console.error(`Could not ${command} keys: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
