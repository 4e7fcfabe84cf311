// Client-Server API, authed-content-repo.yaml (v1.11): /_matrix/client/v1/media. The same media
// as the deprecated endpoints, for an access token; guests may download and thumbnail
// ("Guest Access", v1.12). These are never frozen and take no allow_remote.
import { op, type Operation } from '../../http/router.ts';
import { download, type MediaService, mediaConfig, previewUrl, thumbnail } from '../serve.ts';

/** Mounted under /_matrix/client/v1/media. */
export function authedContentRepoOps(svc: MediaService): Operation[] {
  return [
    // GET /_matrix/client/v1/media/download/{serverName}/{mediaId}
    op({ method: 'GET', path: '/download/:serverName/:mediaId', access: 'user-or-guest' }, function getContentAuthed(req) {
      return download(svc, req, 'client');
    }),
    // GET /_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}
    op({ method: 'GET', path: '/download/:serverName/:mediaId/:fileName', access: 'user-or-guest' }, function getContentOverrideNameAuthed(req) {
      return download(svc, req, 'client');
    }),
    // GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}
    op({ method: 'GET', path: '/thumbnail/:serverName/:mediaId', access: 'user-or-guest' }, function getContentThumbnailAuthed(req) {
      return thumbnail(svc, req, 'client');
    }),
    // GET /_matrix/client/v1/media/preview_url
    op({ method: 'GET', path: '/preview_url', access: 'user', rateLimited: true }, function getUrlPreviewAuthed(req) {
      return previewUrl(svc, req);
    }),
    // GET /_matrix/client/v1/media/config
    op({ method: 'GET', path: '/config', access: 'user' }, function getConfigAuthed() {
      return mediaConfig(svc);
    }),
  ];
}
