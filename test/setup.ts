// Preloaded before every test file (bunfig.toml [test] preload). Integration tests start real
// servers and generate RSA keys; on a loaded 2-core machine that can pass Bun's 5 s default.
import { setDefaultTimeout } from 'bun:test';

setDefaultTimeout(30_000);
