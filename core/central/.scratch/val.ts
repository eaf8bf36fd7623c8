import { validate } from '@readme/openapi-parser';
import { readFileSync } from 'node:fs';
const doc = JSON.parse(readFileSync('/work/main/resources/openapi.json', 'utf8'));
const r = await validate(doc);
console.log(JSON.stringify(r, null, 1).slice(0, 3000));
