// The record floor behind the early cap check: counted from raw bytes, it must never exceed the
// records the tokenizer finds (else a table within its caps could be refused), in any chunking,
// with quotes, escaped quotes, line ends inside quotes, CRLF, BOM, blanks and comment lines. The
// reference is the tokenizer itself on thousands of seeded random files, plus hand-counted cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvTokenizer, WHITESPACE } from '../../../src/core/data/table/csvTokenizer';
import { RecordFloor, checkRowFloor, couldPassCaps } from '../../../src/core/data/table/rowFloor';
import { isMedSynthError } from '../../../src/core/errors';
import { mulberry32 } from '../../seededRandom';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function floorOf(
  bytes: Uint8Array,
  delimiter: number | undefined,
  cuts: readonly number[] = [],
  comments: readonly string[] = ['#'],
): number {
  const floor = new RecordFloor(delimiter, comments);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    floor.feed(bytes.subarray(at, cut));
    at = cut;
  }
  return floor.records;
}

/** Records as the reader's tokenizer finds them, or undefined for text it refuses. */
function tokenizerRecords(text: string, delimiter: string, comment: string | undefined, scope: 'leading' | 'all'): number | undefined {
  let n = 0;
  const t = new CsvTokenizer({ delimiter, onRecord: () => n++, comment, commentScope: scope });
  try {
    t.feed(text.replace(/^\uFEFF/, ''));
    t.end();
  } catch {
    return undefined;
  }
  return n;
}

describe('RecordFloor', () => {
  it('counts every record of plain text, the header included, and nothing for blank or comment lines', () => {
    assert.equal(floorOf(enc('a,b\n1,2\n3,4\n'), 0x2c), 3);
    assert.equal(floorOf(enc('# note\na,b\n\n1,2\r\n \n3,4'), 0x2c), 2);
    assert.equal(floorOf(enc('{"a":1}\n{"a":"x\\"y"}\n\n{"a":3}\n'), undefined), 3);
  });

  it('line ends inside quoted fields end no record; a quote inside an unquoted field is literal', () => {
    assert.equal(floorOf(enc('a,b\n"x\ny",1\n"p ""q""\nr",2\n'), 0x2c), 3);
    assert.equal(floorOf(enc('h,w\n5" tall,x\n6" tall,y\n'), 0x2c), 3);
    // A BOM is dropped by the decoder, so the quote after it opens the first field.
    assert.equal(floorOf(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('"a\nb",c\n1,2\n')]), 0x2c), 2);
  });

  it('stops counting at a quote on a line that may be a comment, and at a lone CR', () => {
    assert.equal(floorOf(enc('a,b\n1,2\n#x,"y\n3,4\n5,6\n'), 0x2c), 2);
    assert.equal(floorOf(enc('a,b\n1,2\n3,4\r5,6\n7,8\n'), 0x2c), 0);
  });

  it('never counts more records than the tokenizer finds, in any chunking (seeded random files)', () => {
    const rand = mulberry32(20261202);
    const pieces = ['a', '1', 'x y', ',', ',', '"', '""', '"q"', '\n', '\n', '\r\n', '\r', ' ', '\t', '#', '//', ';'];
    let checked = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const len = 1 + Math.floor(rand() * 40);
      let text = rand() < 0.1 ? '\uFEFF' : '';
      for (let i = 0; i < len; i++) text += pieces[Math.floor(rand() * pieces.length)];
      const bytes = enc(text);
      const cuts = [Math.floor(rand() * bytes.length), Math.floor(rand() * bytes.length)].sort((a, b) => a - b);
      for (const [delimiter, code] of [
        [',', 0x2c],
        [WHITESPACE, -1],
      ] as const) {
        for (const [comment, scope] of [
          ['#', 'leading'],
          ['#', 'all'],
          ['//', 'all'],
        ] as const) {
          const truth = tokenizerRecords(text, delimiter, comment, scope);
          if (truth === undefined) continue;
          const floor = floorOf(bytes, code, cuts, ['#', comment]);
          assert.ok(
            floor <= truth,
            `${JSON.stringify(text)} (${delimiter}, ${comment} ${scope}, cuts ${cuts}): floor ${floor} > ${truth} records`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 5000, `only ${checked} valid files`);
  });

  it('counts well-formed files exactly, quoted fields and CRLF included, in any chunking', () => {
    // The floor is useful, not only safe: a file as a writer produces it is counted record for record.
    const rand = mulberry32(7);
    const fields = ['a', '1', '2.5', 'x y', '', '"q,1"', '"multi\nline"', '"es""c"', '"a\r\nb"', '#1'];
    for (let trial = 0; trial < 500; trial++) {
      const eol = rand() < 0.5 ? '\n' : '\r\n';
      const rows = 1 + Math.floor(rand() * 12);
      let text = 'id,v,w' + eol;
      for (let r = 0; r < rows; r++) text += ['r' + r, ...[0, 1].map(() => fields[Math.floor(rand() * fields.length)])].join(',') + eol;
      const bytes = enc(text);
      const cut = Math.floor(rand() * bytes.length);
      assert.equal(floorOf(bytes, 0x2c, [cut]), rows + 1, `${JSON.stringify(text)} cut at ${cut}`);
    }
  });
});

describe('checkRowFloor and couldPassCaps', () => {
  it('refuses with LIMIT_EXCEEDED naming the flag, the setting and a cap that fits the whole file', () => {
    assert.throws(
      () => checkRowFloor(6_250_001, 8, {}, 'big.csv', 0.7),
      (e: unknown) => {
        assert.ok(isMedSynthError(e));
        assert.equal(e.code, 'LIMIT_EXCEEDED');
        // 6,250,001 x 8 cells in 70% of the file: about 71.4 million in all, rounded up to 72 million.
        assert.match(
          e.message,
          /^big\.csv: the table has more than 50000000 cells .*pass --max-cells 72000000 \(or a larger N\) on the command line, or raise the VS Code setting medsynth\.maxCells\)$/,
        );
        assert.doesNotMatch(e.message, /headRows/);
        return true;
      },
    );
    assert.throws(() => checkRowFloor(11, 2, { maxRows: 10 }, 't.csv'), /more than 10 rows.*pass --max-rows 11 /);
    // Within the caps, or a preview: nothing to refuse.
    checkRowFloor(10, 2, { maxRows: 10 });
    checkRowFloor(1e9, 2, { headRows: 5 });
  });

  it('says when a file is too small to pass a cap at all', () => {
    // 1,000 bytes hold at most 500 records; 500 x 8 cells is far below the default cap.
    assert.equal(couldPassCaps(1000, 8, {}), false);
    assert.equal(couldPassCaps(1000, 8, { maxRows: 499 }), true);
    assert.equal(couldPassCaps(1000, 8, { maxCells: 3999 }), true);
    assert.equal(couldPassCaps(1000, 8, { maxCells: 4000 }), false);
  });
});
