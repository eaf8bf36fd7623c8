import { z } from 'zod';
import * as S from '../../../shared/api/schemas';
const reg = z.registry<{ id: string }>();
reg.add(S.Event, { id: 'Event' });
reg.add(S.Change, { id: 'Change' });
reg.add(S.Reporter, { id: 'Reporter' });
const out = z.toJSONSchema(reg, { uri: (id) => `#/components/schemas/${id}`, target: 'draft-2020-12' });
console.log(JSON.stringify(out, null, 1));
