/**
 * Source of the hook worker thread. It is *our* code (a constant), run with
 * `new Worker(source, { eval: true })` so it works both from compiled JS and under ts-jest; nothing
 * from the YAML config is ever evaluated: the config only names the hook module, which the worker
 * `require`s (or `import`s for ES modules) like any module.
 *
 * Protocol: worker → {type:'ready'} | {type:'load-error', message}; host → {id, record};
 * worker → {type:'result', id, value} | {type:'error', id, message}.
 * Helpers given to the hook are plain functions built from tables passed in workerData (the same
 * tables the main thread uses, so results agree).
 */
export const HOOK_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const phoneLib = require(workerData.phoneLib);

const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const fold = workerData.fold;
const foldRe = new RegExp('[' + Object.keys(fold).join('') + ']', 'g');
const cyr = workerData.cyrillic, greek = workerData.greek;
function cased(table) {
  return (c) => {
    const l = c.toLowerCase(); const t = table[l];
    if (t === undefined) return c;
    if (l === c || t === '') return t;
    return t.charAt(0).toUpperCase() + t.slice(1);
  };
}
const asciiFold = (s) => NON_ASCII.test(s) ? s.normalize('NFKD').replace(MARKS, '').replace(foldRe, (c) => fold[c]) : s;
const transliterate = (s) => {
  if (!NON_ASCII.test(s)) return s;
  let t = s.normalize('NFC').replace(/[\u0400-\u04ff]/g, cased(cyr));
  t = t.normalize('NFKD').replace(MARKS, '').replace(/([οΟ])([υΥ])/g, (m, o, u) => (o === 'Ο' ? 'O' : 'o') + (u === 'Υ' ? 'U' : 'u')).replace(/[\u0370-\u03ff]/g, cased(greek));
  return t.replace(foldRe, (c) => fold[c]);
};
const oktaLoginKey = (s) => s.toLowerCase().normalize('NFD').replace(MARKS, '').normalize('NFC');
const toE164 = (raw, region) => {
  const p = phoneLib.parsePhoneNumberFromString(String(raw).trim(), region && phoneLib.isSupportedCountry(String(region).toUpperCase()) ? String(region).toUpperCase() : undefined);
  return p && p.isValid() ? p.number : null;
};
const helpers = Object.freeze({ asciiFold, transliterate, oktaLoginKey, toE164 });

function revive(record) {
  const attrs = record.attributes;
  for (const k of Object.keys(attrs)) {
    attrs[k] = attrs[k].map((v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
  }
  return record;
}

let fn = null;
async function load() {
  let mod;
  try {
    mod = require(workerData.module);
  } catch (e) {
    if (e && e.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(workerData.module).href);
    else throw e;
  }
  const name = workerData.exportName;
  if (name === 'default') fn = typeof mod === 'function' ? mod : mod && typeof mod.default === 'function' ? mod.default : mod && mod.default && typeof mod.default.default === 'function' ? mod.default.default : null;
  else fn = mod ? mod[name] : null;
  if (typeof fn !== 'function') throw new Error('the module does not export a function named ' + JSON.stringify(name));
}

parentPort.on('message', async (msg) => {
  let value;
  try {
    value = await fn(revive(msg.record), helpers);
  } catch (e) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: e && e.message ? String(e.message) : String(e) });
    return;
  }
  try {
    parentPort.postMessage({ type: 'result', id: msg.id, value });
  } catch (e) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: 'the hook returned a value that cannot be copied: ' + (e && e.message) });
  }
});

load().then(
  () => parentPort.postMessage({ type: 'ready' }),
  (e) => parentPort.postMessage({ type: 'load-error', message: e && e.stack ? String(e.stack) : String(e) }),
);
`;
