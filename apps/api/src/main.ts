import { enableCompileCache } from 'node:module';

// The compiled code of the gateway and its packages is kept on disk (NODE_COMPILE_CACHE, else the
// OS temporary folder), so a restart skips most parsing and compiling. Enabled before anything else
// loads: the gateway itself is imported only after it.
enableCompileCache();
await import('./server.js');
