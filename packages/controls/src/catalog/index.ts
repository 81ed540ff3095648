import type { Control } from '../control.ts';
import { log01 } from './log-01.ts';
import { log02 } from './log-02.ts';
import { log03 } from './log-03.ts';
import { log04 } from './log-04.ts';
import { log05 } from './log-05.ts';
import { log06 } from './log-06.ts';
import { log07 } from './log-07.ts';
import { log08 } from './log-08.ts';
import { log09 } from './log-09.ts';
import { log10 } from './log-10.ts';
import { mfa01 } from './mfa-01.ts';
import { mfa02 } from './mfa-02.ts';
import { mfa03 } from './mfa-03.ts';
import { mfa04 } from './mfa-04.ts';
import { mfa05 } from './mfa-05.ts';
import { mfa06 } from './mfa-06.ts';
import { mfa07 } from './mfa-07.ts';
import { mfa08 } from './mfa-08.ts';
import { mfa09 } from './mfa-09.ts';

/** The control catalog, in the order results are reported. */
export const CATALOG: readonly Control[] = [
  mfa01,
  mfa02,
  mfa03,
  mfa04,
  mfa05,
  mfa06,
  mfa07,
  mfa08,
  mfa09,
  log01,
  log02,
  log03,
  log04,
  log05,
  log06,
  log07,
  log08,
  log09,
  log10,
];

export function controlById(id: string): Control | undefined {
  return CATALOG.find((c) => c.id === id);
}
