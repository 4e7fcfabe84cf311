// Peeks (MSC2753): rooms a device follows without joining.
import type { Migration } from '../../../storage/types.ts';
import { PEEKS_SCHEMA } from '../peeks.ts';

export const peeks: Migration = { version: 2, name: 'peeks', up: PEEKS_SCHEMA };
