'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS file: require is its import */
/**
 * Starts the hook worker from its TypeScript source (worker.ts). Used only when host.ts itself runs
 * as TypeScript — under jest, which runs src/ through ts-jest —, because Node 20 cannot load .ts
 * files in a worker thread by itself. The compiled agent (dist/) never loads this file: there
 * host.js starts worker.js, and the build does not copy this file.
 *
 * It teaches this thread's `require` to load .ts files, transpiled one by one with the project's
 * compiler options by the `typescript` devDependency (syntax only: `npm run typecheck` checks
 * types), then loads worker.ts, which imports the stage's helpers like any module. Transpiled files
 * are cached in node_modules/.cache, keyed by their source, the tsconfig and the compiler version,
 * so a worker started again (after a hook timed out) does not pay for the compiler again.
 * Why not build the worker before the tests instead: a test would then run whatever was last built,
 * not the worker.ts it is testing.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { workerData } = require('node:worker_threads');

let root = path.dirname(workerData.source);
while (!fs.existsSync(path.join(root, 'tsconfig.json'))) {
  if (path.dirname(root) === root) throw new Error(`no tsconfig.json above ${workerData.source}`);
  root = path.dirname(root);
}
const tsconfig = path.join(root, 'tsconfig.json');
const cacheDir = path.join(root, 'node_modules', '.cache', 'ldap-okta-sync-hook-worker');
const salt = fs.readFileSync(tsconfig, 'utf8') + fs.readFileSync(require.resolve('typescript/package.json'), 'utf8');

let compilerOptions;
function transpile(text, fileName) {
  const ts = require('typescript');
  if (!compilerOptions) {
    const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
    compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, inlineSources: true, declaration: false, noEmit: false };
  }
  return ts.transpileModule(text, { compilerOptions, fileName }).outputText;
}

require.extensions['.ts'] = (module, fileName) => {
  const text = fs.readFileSync(fileName, 'utf8');
  const key = crypto.createHash('sha256').update(salt).update(fileName).update('\0').update(text).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let js;
  try {
    js = fs.readFileSync(cached, 'utf8');
  } catch {
    js = transpile(text, fileName);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(tmp, js);
      fs.renameSync(tmp, cached); // atomic: a concurrent reader sees the whole file or none
    } catch {
      // no cache (read-only tree): transpile again next time
    }
  }
  module._compile(js, fileName);
};

require(workerData.source);
