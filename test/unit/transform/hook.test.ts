import * as path from 'node:path';
import { compileErrors, compileOk, ctx, rec } from './helpers';
import { asciiFold, transliterate } from '../../../src/transform';
import { normalizeLogin } from '../../../src/okta/profile';

const fixtures = path.join(__dirname, '../../fixtures/transform');
const base = { map: { login: '{uid}@corp.example', firstName: '{givenName}', title: '{title}' } };

describe('hook step', () => {
  test('a hook changes the profile; helpers agree with the main thread; Buffers arrive as Buffers', async () => {
    const p = compileOk([base, { hook: { module: 'hooks/enrich.js' } }], { baseDir: fixtures });
    await p.beginRun();
    try {
      const out = await p.run(rec({ uid: 'Zoë', givenName: 'Zoë-Łucja', jpegPhoto: Buffer.from([1, 2, 3, 4]) }), ctx());
      expect(out).toMatchObject({
        kind: 'ok',
        profile: {
          nickName: asciiFold('Zoë-Łucja'),
          loginKey: normalizeLogin('Zoë@corp.example'),
          phoneE164: '+14155552671',
          photoBytes: 4,
        },
      });
      expect(asciiFold('Zoë-Łucja')).toBe('Zoe-Lucja');
      expect(await p.run(rec({ uid: 'a', title: 'TEMP' }), ctx())).toMatchObject({
        kind: 'quarantine',
        step: 'hook#1',
        reason: 'temporary title',
        findings: [{ type: 'hook.quarantine' }],
      });
      expect(await p.run(rec({ uid: 'a', title: 'IGNORE' }), ctx())).toMatchObject({ kind: 'skip', reason: 'ignored by hook' });
    } finally {
      await p.close();
    }
  });

  test('throwing, looping (sync), hanging (async), junk: each record quarantined, the others go on', async () => {
    const p = compileOk([base, { name: 'custom', hook: { module: './hooks/misbehave.js', timeoutMs: 300 } }], { baseDir: fixtures });
    await p.beginRun();
    try {
      const anchors = ['ok1', 'throws', 'ok2', 'loops', 'ok3', 'hangs', 'junk', 'nothing', 'ok4'];
      const outs = [];
      for (const a of anchors) outs.push(await p.run(rec({ uid: a }, { anchor: a }), ctx()));
      const summary = outs.map((o) => [o.anchor, o.kind, o.kind === 'ok' ? o.profile.hooked : o.kind === 'quarantine' ? o.findings[0].type : '']);
      expect(summary).toEqual([
        ['ok1', 'ok', true],
        ['throws', 'quarantine', 'hook.error'],
        ['ok2', 'ok', true],
        ['loops', 'quarantine', 'hook.timeout'],
        ['ok3', 'ok', true],
        ['hangs', 'quarantine', 'hook.timeout'],
        ['junk', 'quarantine', 'hook.error'],
        ['nothing', 'quarantine', 'hook.error'],
        ['ok4', 'ok', true],
      ]);
      const byAnchor = Object.fromEntries(outs.map((o) => [o.anchor, o]));
      expect(byAnchor.throws).toMatchObject({ step: 'custom', reason: 'hook failed: boom' });
      expect(byAnchor.loops).toMatchObject({ reason: 'hook did not finish within 300 ms' });
      expect(byAnchor.junk).toMatchObject({ reason: expect.stringContaining('profile.bad is not a string') });
    } finally {
      await p.close();
    }
  });

  test('concurrent calls are queued one at a time and all answered', async () => {
    const p = compileOk([base, { hook: { module: 'hooks/misbehave.js' } }], { baseDir: fixtures });
    await p.beginRun();
    try {
      const outs = await Promise.all(Array.from({ length: 25 }, (_, i) => p.run(rec({ uid: `u${i}` }, { anchor: `u${i}` }), ctx())));
      expect(outs.every((o) => o.kind === 'ok' && o.profile.hooked === true)).toBe(true);
    } finally {
      await p.close();
    }
  });

  test('an ES module with a named export', async () => {
    const p = compileOk([base, { hook: { module: 'hooks/named.mjs', export: 'shout' } }], { baseDir: fixtures });
    await p.beginRun();
    try {
      expect(await p.run(rec({ uid: 'a', title: 'engineer' }), ctx())).toMatchObject({ kind: 'ok', profile: { title: 'ENGINEER' } });
    } finally {
      await p.close();
    }
  });

  test('a module that cannot load, or exports no function, fails beginRun', async () => {
    const bad = compileOk([base, { hook: { module: 'hooks/load-error.js' } }], { baseDir: fixtures });
    await expect(bad.beginRun()).rejects.toThrow('cannot load me');
    await bad.close();
    const none = compileOk([base, { hook: { module: 'hooks/no-export.js' } }], { baseDir: fixtures });
    await expect(none.beginRun()).rejects.toThrow('does not export a function named "default"');
    await none.close();
  });

  test('the module path resolves against baseDir and must exist at compile time', () => {
    expect(compileErrors([base, { hook: { module: 'hooks/enrich.js' } }], { baseDir: __dirname })[0].path).toEqual([1, 'hook', 'module']);
  });

  test('after a hook, profile attributes are not checked statically (the hook may set any)', async () => {
    const validate = { validate: { required: ['nickName'] } };
    // without the hook, nickName is not set by an earlier step: a compile error
    expect(compileErrors([base, validate], { baseDir: fixtures })).toEqual([
      { path: [1, 'validate', 'required', 0], message: expect.stringContaining("'nickName' is not set by an earlier step") },
    ]);
    // after the hook it compiles, and the check happens at run time on what the hook produced
    const p = compileOk([base, { hook: { module: 'hooks/enrich.js' } }, validate], { baseDir: fixtures });
    await p.beginRun();
    try {
      expect(await p.run(rec({ uid: 'ann', givenName: 'Ann' }), ctx())).toMatchObject({ kind: 'ok', profile: { nickName: 'Ann' } });
      expect(await p.run(rec({ uid: 'bob' }), ctx())).toMatchObject({ kind: 'quarantine', step: 'validate#2', reason: expect.stringContaining('nickName') });
    } finally {
      await p.close();
    }
  });

  test('transliterate and asciiFold used by hooks and templates agree', async () => {
    const steps = [
      {
        map: {
          login: '{uid}@corp.example',
          firstName: '{givenName}',
          templateTransliterate: '{givenName | transliterate}',
          templateAsciiFold: '{givenName | asciiFold}',
        },
      },
      { hook: { module: 'hooks/helpers-echo.js' } },
    ];
    const p = compileOk(steps, { baseDir: fixtures });
    await p.beginRun();
    try {
      for (const name of ['Юлия Ёлкина', 'Νίκος Παπαδόπουλος', 'Zoë-Łucja Ødegård', 'Dmitriy']) {
        const out = await p.run(rec({ uid: 'x', givenName: name }), ctx());
        expect(out).toMatchObject({
          kind: 'ok',
          profile: {
            templateTransliterate: transliterate(name),
            hookTransliterate: transliterate(name),
            templateAsciiFold: asciiFold(name),
            hookAsciiFold: asciiFold(name),
          },
        });
      }
      expect(transliterate('Юлия Ёлкина')).toBe('Yuliya Elkina');
    } finally {
      await p.close();
    }
  });
});
