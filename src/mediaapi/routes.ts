// Mounts the media component's route files with their prefixes (STYLE.md: prefixes in one place).
// Legacy /r0 paths stay because SyTest and older clients use them.
import type { MatrixApp } from '../http/app.ts';
import { mount, type RouterDeps } from '../http/router.ts';
import { authedContentRepoOps } from './routes/authed-content-repo.ts';
import { contentRepoOps, createContentOps } from './routes/content-repo.ts';
import { contentRepositoryOps } from './routes/content_repository.ts';
import type { MediaService } from './serve.ts';

export function mountMediaRoutes({ app, routes }: MatrixApp, deps: RouterDeps, svc: MediaService): void {
  mount(app, ['/_matrix/media/v3', '/_matrix/media/r0'], contentRepoOps(svc), deps, routes);
  mount(app, ['/_matrix/media/v1'], createContentOps(svc), deps, routes);
  mount(app, ['/_matrix/client/v1/media'], authedContentRepoOps(svc), deps, routes);
  mount(app, ['/_matrix/federation/v1/media'], contentRepositoryOps(svc), deps, routes);
}
