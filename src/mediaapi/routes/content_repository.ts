// Server-Server API, content_repository.yaml (v1.11): /_matrix/federation/v1/media. Other servers
// fetch our media here, answered as multipart/mixed (`{}` metadata, then the bytes).
import { op, type Operation } from '../../http/router.ts';
import { download, type MediaService, thumbnail } from '../serve.ts';

/** Mounted under /_matrix/federation/v1/media. */
export function contentRepositoryOps(svc: MediaService): Operation[] {
  return [
    // GET /_matrix/federation/v1/media/download/{mediaId}
    op({ method: 'GET', path: '/download/:mediaId', access: 'server' }, function getContent(req) {
      return download(svc, req, 'federation');
    }),
    // GET /_matrix/federation/v1/media/thumbnail/{mediaId}
    op({ method: 'GET', path: '/thumbnail/:mediaId', access: 'server' }, function getContentThumbnail(req) {
      return thumbnail(svc, req, 'federation');
    }),
  ];
}
