import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../schemas/openapi.js';

/** Writes docs/openapi.json from the request schemas (`npm run openapi`). */
writeFileSync('docs/openapi.json', `${JSON.stringify(openApiDocument, null, 2)}\n`);
console.log('wrote docs/openapi.json');
