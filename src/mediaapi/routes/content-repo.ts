// Client-Server API, content-repo.yaml: the /_matrix/media endpoints. Upload and create are
// current; download, thumbnail, preview_url and config are deprecated since v1.11 in favour of
// authed-content-repo.ts, and the unauthenticated download and thumbnail may be frozen
// (media_api.freeze_unauthenticated_media).
import { op, type Operation } from '../../http/router.ts';
import { download, type MediaService, mediaConfig, previewUrl, thumbnail, uploadRequest } from '../serve.ts';

/** Mounted under /_matrix/media/v3 and /_matrix/media/r0. */
export function contentRepoOps(svc: MediaService): Operation[] {
  return [
    // POST /_matrix/media/v3/upload
    op({ method: 'POST', path: '/upload', access: 'user', rateLimited: true }, function uploadContent(req) {
      return svc.uploads.upload(uploadRequest(req));
    }),
    // PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
    op({ method: 'PUT', path: '/upload/:serverName/:mediaId', access: 'user', rateLimited: true }, function uploadContentToMXC(req) {
      return svc.uploads.uploadTo(req.params.serverName!, req.params.mediaId!, uploadRequest(req));
    }),
    // GET /_matrix/media/v3/download/{serverName}/{mediaId}
    op({ method: 'GET', path: '/download/:serverName/:mediaId', access: 'none' }, function getContent(req) {
      return download(svc, req, 'unauthenticated');
    }),
    // GET /_matrix/media/v3/download/{serverName}/{mediaId}/{fileName}
    op({ method: 'GET', path: '/download/:serverName/:mediaId/:fileName', access: 'none' }, function getContentOverrideName(req) {
      return download(svc, req, 'unauthenticated');
    }),
    // GET /_matrix/media/v3/thumbnail/{serverName}/{mediaId}
    op({ method: 'GET', path: '/thumbnail/:serverName/:mediaId', access: 'none' }, function getContentThumbnail(req) {
      return thumbnail(svc, req, 'unauthenticated');
    }),
    // GET /_matrix/media/v3/preview_url
    op({ method: 'GET', path: '/preview_url', access: 'user', rateLimited: true }, function getUrlPreview(req) {
      return previewUrl(svc, req);
    }),
    // GET /_matrix/media/v3/config
    op({ method: 'GET', path: '/config', access: 'user' }, function getConfig() {
      return mediaConfig(svc);
    }),
  ];
}

/** Mounted under /_matrix/media/v1 (createContent exists at v1 only). */
export function createContentOps(svc: MediaService): Operation[] {
  return [
    // POST /_matrix/media/v1/create
    op({ method: 'POST', path: '/create', access: 'user', rateLimited: true }, function createContent(req) {
      return svc.uploads.create(req.requester.userId);
    }),
  ];
}
