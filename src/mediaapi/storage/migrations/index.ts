// The media API's schema changes, applied in order by runMigrations(db, 'mediaapi', migrations).
import type { Migration } from '../../../storage/types.ts';
import { CREATE_MEDIA_TABLE } from '../media.ts';
import { CREATE_THUMBNAILS_TABLE } from '../thumbnails.ts';
import { CREATE_URL_PREVIEWS_TABLE } from '../url-previews.ts';

export const migrations: Migration[] = [
  { version: 1, name: 'media, thumbnails and URL previews', up: CREATE_MEDIA_TABLE + CREATE_THUMBNAILS_TABLE + CREATE_URL_PREVIEWS_TABLE },
];
