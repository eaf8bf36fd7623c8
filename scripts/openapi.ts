/**
 * Writes resources/openapi.json: the central API contract generated from the zod schemas (see
 * central/http/openapi.ts). A test fails when the file and the generated document differ.
 *
 *   npm run openapi
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../central/http/openapi';

const target = fileURLToPath(new URL('../resources/openapi.json', import.meta.url));
writeFileSync(target, await openApiDocument());
console.log(`wrote ${target}`);
