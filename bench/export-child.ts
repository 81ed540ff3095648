import { benchExport, seeded } from '@evident/evidence/testing/bench';
import { z } from 'zod';

/** One pack exported from a seeded database into a file, alone in this process; prints its figures as JSON. */
const input = z.object({ seeded, out: z.string().min(1) });

let text = '';
for await (const chunk of process.stdin) text += chunk;
const { seeded: s, out } = input.parse(JSON.parse(text));
process.stdout.write(`${JSON.stringify(await benchExport(s, out))}\n`);
