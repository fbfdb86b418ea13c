import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesSource, parseJsonList } from '../../../src/sources/manifests/json-list.js';
import { loadManifests } from '../../../src/sources/manifests/index.js';
import { REAL_DUMP_FILE } from '../../helpers/paths.js';
import { runCli } from '../../helpers/cli.js';
import { TEST_NOW } from '../../helpers/graph.js';

const realDump = () => JSON.parse(readFileSync(REAL_DUMP_FILE, 'utf8')) as { items: unknown[] } & Record<string, unknown>;
/** Small windows, so that items, separators and the first item's line cross window ends. */
const valueOf = (text: string, eachItem?: (item: unknown) => unknown, windowBytes = 64) => {
  const documents = parseJsonList(bytesSource(Buffer.from(text)), eachItem, windowBytes);
  return documents?.[0]?.ok ? documents[0].value : documents;
};

describe('[U] large JSON lists, item by item', () => {
  it('gives what JSON.parse gives for the real dump, in its own layout and in kubectl’s, jq’s tab and Windows line ends', () => {
    const text = readFileSync(REAL_DUMP_FILE, 'utf8');
    const whole = JSON.parse(text);
    assert.deepEqual(valueOf(text), whole);
    assert.deepEqual(valueOf(JSON.stringify(whole, null, 4)), whole);
    assert.deepEqual(valueOf(JSON.stringify(whole, null, '\t')), whole);
    assert.deepEqual(valueOf(JSON.stringify(whole, null, 4).replace(/\n/g, '\r\n')), whole);
    assert.deepEqual(valueOf(`\ufeff${JSON.stringify(whole, null, 2)}`), whole);
    // One window holding the whole file, as for most dumps.
    assert.deepEqual(valueOf(text, undefined, 1 << 20), whole);
  });

  it('keeps the top level around the items (metadata after them, as kubectl writes it) and passes each item through eachItem once', () => {
    const dump = realDump();
    const seen: unknown[] = [];
    const value = valueOf(JSON.stringify({ apiVersion: 'v1', items: dump.items, kind: 'List', metadata: { resourceVersion: '42' } }, null, 4), (item) => {
      seen.push(item);
      return { kept: (item as { kind: string }).kind };
    }) as Record<string, unknown>;
    assert.equal(seen.length, dump.items.length);
    assert.deepEqual(value.items, dump.items.map((item) => ({ kept: (item as { kind: string }).kind })));
    assert.deepEqual(value.metadata, { resourceVersion: '42' });
    assert.equal(value.kind, 'List');
  });

  it('decodes characters of several bytes wherever a window ends', () => {
    const items = Array.from({ length: 20 }, (_, index) => ({ kind: 'ConfigMap', metadata: { name: `c${index}`, annotations: { note: 'ünïcödé 日本語 ✓ 🚀'.repeat(index % 3 + 1) } } }));
    const whole = { apiVersion: 'v1', items, kind: 'List', metadata: { note: '✓ 🚀 後' } };
    for (let windowBytes = 48; windowBytes < 56; windowBytes++) assert.deepEqual(valueOf(JSON.stringify(whole, null, 2), undefined, windowBytes), whole, `window ${windowBytes}`);
  });

  it('answers nothing (the caller parses the file whole) when the layout or the content is not one List of indented items', () => {
    const items = realDump().items.slice(0, 3);
    const cases: Record<string, string> = {
      compact: JSON.stringify({ kind: 'List', items }),
      'not a list': JSON.stringify({ kind: 'Pod', items }, null, 2),
      'no kind': JSON.stringify({ items }, null, 2),
      'empty items': JSON.stringify({ kind: 'List', items: [] }, null, 2),
      'an item that is not an object': JSON.stringify({ kind: 'List', items: [...items, 'text'] }, null, 2),
      // The first occurrence of "items" is replaced by the marker; JSON.parse keeps the last one.
      'items twice': `{\n  "kind": "List",\n  "items": [\n    {\n      "kind": "ConfigMap"\n    }\n  ],\n  "items": []\n}`,
      // A nested object closes at the items' indentation: the first guess is not an item.
      'uneven indentation': `{\n  "kind": "List",\n  "items": [\n    {\n      "data": {\n    },\n      "kind": "ConfigMap"\n    }\n  ]\n}`,
      'syntax error in an item': `{\n  "kind": "List",\n  "items": [\n    {\n      "kind": "ConfigMap",\n    }\n  ]\n}`,
      'syntax error around the items': `{\n  "kind": "List",,\n  "items": [\n    {\n      "kind": "ConfigMap"\n    }\n  ]\n}`,
      'items nested, not top level': `{\n  "kind": "List",\n  "spec": {\n  "items": [\n    {\n      "kind": "ConfigMap"\n    }\n  ]\n  }\n}`,
      yaml: 'kind: List\nitems:\n- kind: ConfigMap\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      assert.equal(valueOf(text), undefined, name);
      assert.equal(valueOf(text, undefined, 1 << 20), undefined, name);
    }
  });

  /** The real dump's items copied (namespaces renamed) until the file is past the size where JSON keeps lines. */
  const largeDump = () => {
    const dump = realDump();
    const copies = Math.ceil((7 * 1024 * 1024) / readFileSync(REAL_DUMP_FILE).length) * 2;
    const items = Array.from({ length: copies }, (_, copy) => JSON.parse(JSON.stringify(dump.items).replace(/"namespace":"([^"]+)"/g, `"namespace":"$1-${copy}"`)) as unknown[]).flat();
    return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
  };

  it('reads a large dump file the same whether it is indented (item by item, slimmed) or compact (whole)', async () => {
    const dump = largeDump();
    const dir = mkdtempSync(join(tmpdir(), 'kstale-json-list-'));
    const indented = join(dir, 'indented.json');
    const compact = join(dir, 'compact.json');
    writeFileSync(indented, JSON.stringify(dump, null, 4));
    writeFileSync(compact, JSON.stringify(dump));
    assert.ok(readFileSync(indented).length > 6 * 1024 * 1024);
    const read = (path: string, slim: boolean) => loadManifests([path], { defaultNamespace: 'default', slim });
    const fromIndented = read(indented, true);
    const fromCompact = read(compact, false);
    assert.deepEqual(fromIndented.problems, []);
    assert.deepEqual(fromIndented.objects.map((object) => `${object.kind}/${object.namespace}/${object.name}`), fromCompact.objects.map((object) => `${object.kind}/${object.namespace}/${object.name}`));
    // Slimmed: pods keep their spec's references and container states, not images or conditions.
    assert.equal(JSON.stringify(fromIndented.objects.find((object) => object.kind === 'Pod')!.raw).includes('"image"'), false);
    assert.equal(JSON.stringify(fromCompact.objects.find((object) => object.kind === 'Pod')!.raw).includes('"image"'), true);
    // What the commands print does not depend on the way in.
    for (const command of [['audit', '-A', '-o', 'json'], ['graph', '-A', '-o', 'json'], ['who-uses', 'secret/db-credentials', '-A', '-o', 'json']]) {
      const [fast, whole] = [await runCli([...command, '-f', indented, '--now', TEST_NOW]), await runCli([...command, '-f', compact, '--now', TEST_NOW])];
      assert.equal(fast.stderr, '');
      assert.ok(fast.stdout.length > 1000, command.join(' '));
      assert.equal(fast.stdout.replaceAll('indented.json', 'compact.json'), whole.stdout, command.join(' '));
    }
  });

  it('reports a broken large file as a whole parse does: one error with its line, no object', () => {
    const text = JSON.stringify(largeDump(), null, 4);
    const at = text.indexOf('"kind": "Pod"', text.length / 2);
    const broken = `${text.slice(0, at)}"kind": "Pod",,${text.slice(at + '"kind": "Pod"'.length)}`;
    const path = join(mkdtempSync(join(tmpdir(), 'kstale-json-list-')), 'broken.json');
    writeFileSync(path, broken);
    const { objects, problems } = loadManifests([path], { defaultNamespace: 'default', slim: true });
    assert.equal(objects.length, 0);
    assert.deepEqual(problems.map(({ code, line }) => ({ code, line })), [{ code: 'invalid-manifest', line: broken.slice(0, at).split('\n').length }]);
    assert.match(problems[0]!.message, /^invalid YAML\/JSON: .*in JSON at position \d+$/);
  });
});
