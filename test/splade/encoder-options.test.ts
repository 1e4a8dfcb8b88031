// SpladeEncoder's options from plain JavaScript: a misspelt name, a value of the wrong kind or a
// text that is no string is an InputError naming it, at the call that was given it, never a
// default run in its place or a failure deep inside.
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EncoderDisposedError, InputError, SpladeEncoder } from '../../src/index.node.js';
import { rejects } from '../helpers/rejects.js';

const f32 = fileURLToPath(new URL('../parity/fixtures/f32', import.meta.url));

/** Options as plain JavaScript may give them, past the types. */
const loose = (options: unknown): never => options as never;

const inputError = (message: RegExp) => (error: unknown): boolean => error instanceof InputError && message.test(error.message);

test('fromPretrained refuses unknown option names and values of the wrong kind, naming them', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ thread: 2 }, /fromPretrained: unknown option 'thread' \(did you mean 'threads'\?\); the options are backend, /],
    [{ maxlength: 8 }, /unknown option 'maxlength' \(did you mean 'maxLength'\?\)/],
    [null, /fromPretrained: the options must be an object, got null/],
    [{ maxLength: -1 }, /fromPretrained: maxLength must be an integer of at least 2, got -1/],
    [{ queryMaxLength: 2.5 }, /fromPretrained: queryMaxLength must be an integer of at least 2, got 2.5/],
    [{ tokenizer: 'bert' }, /fromPretrained: tokenizer must be a TextTokenizer \(an object with encode and idToToken\), got string/],
    [{ onProgress: true }, /fromPretrained: onProgress must be a function, got boolean/],
    [{ revision: 3 }, /fromPretrained: revision must be a string, got number/],
    [{ cache: 1 }, /fromPretrained: cache must be true, false or a cache name, got number/],
    [{ queryModel: 7 }, /fromPretrained: queryModel must be a folder path, URL or ModelFiles, got number/],
  ];
  for (const [options, message] of cases) await rejects(SpladeEncoder.fromPretrained(f32, loose(options)), inputError(message));
});

test('encode refuses texts that are not strings and unknown or wrong options, naming them', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32);
  try {
    await rejects(encoder.encode(loose(['fine', 7])), inputError(/encode\(\): texts\[1\] is a number, not a string/));
    await rejects(encoder.encode(loose([null])), inputError(/encode\(\): texts\[0\] is null, not a string/));
    await rejects(encoder.encodeQuery(loose(5)), inputError(/^encodeQuery\(\): the text is a number, not a string$/));
    await rejects(encoder.encodeDocument(loose(null)), inputError(/^encodeDocument\(\): the text is null, not a string$/));
    const cases: Array<[unknown, RegExp]> = [
      [{ maxLenght: 4 }, /encode\(\): unknown option 'maxLenght' \(did you mean 'maxLength'\?\)/],
      [{ role: 'doc' }, /encode\(\): role must be one of query, document, got 'doc'/],
      [{ overflow: 'cut' }, /encode\(\): overflow must be one of truncate, chunk, got 'cut'/],
      [{ specialTokens: 'remove' }, /encode\(\): specialTokens must be one of keep, drop, got 'remove'/],
      [{ onOverflow: 'log' }, /encode\(\): onOverflow must be a function, got string/],
      [7, /encode\(\): the options must be an object, got number/],
    ];
    for (const [options, message] of cases) await rejects(encoder.encode(['war'], loose(options)), inputError(message));
    const ids = { input_ids: [[2, 5, 3]] };
    await rejects(encoder.encodeInputIds(ids, loose({ batchsize: 2 })), inputError(/encodeInputIds\(\): unknown option 'batchsize' \(did you mean 'batchSize'\?\)/));
    await rejects(encoder.encodeInputIds(ids, loose({ role: 'queries' })), inputError(/encodeInputIds\(\): role must be one of query, document, got 'queries'/));
    const [vector] = await encoder.encode(['war']);
    assert.throws(() => encoder.decode(vector, loose({ topk: 3 })), inputError(/decode\(\): unknown option 'topk' \(did you mean 'topK'\?\)/));
    assert.throws(() => encoder.decode(vector, loose({ role: 'q' })), inputError(/decode\(\): role must be one of query, document, got 'q'/));
    // The role given positionally: 'doc' was read as a document, 'Query' as one too.
    assert.throws(() => encoder.tokenCount('war', loose('Query')), inputError(/tokenCount\(\): role must be one of query, document, got 'Query'/));
    assert.throws(() => encoder.defaultMaxLength(loose('doc')), inputError(/defaultMaxLength\(\): role must be one of query, document, got 'doc'/));
  } finally {
    encoder.dispose();
  }
});

test('after dispose, encoding is an EncoderDisposedError (not a run on a stopped backend); dispose again does nothing', async () => {
  const encoder = await SpladeEncoder.fromPretrained(f32, { threads: 2, threadedMinMacs: 0 });
  const texts = Array.from({ length: 12 }, (_, i) => `war ${'peace '.repeat(i)}`);
  // Disposed while an encode is under way: that encode settles (here it ends), it never hangs.
  const inFlight = encoder.encode(texts, { batchSize: 2 }).then((vectors) => vectors.length, (error: unknown) => error);
  encoder.dispose();
  const settled = await inFlight;
  assert.ok(settled === texts.length || settled instanceof EncoderDisposedError, String(settled));
  assert.not.throws(() => encoder.dispose());
  const disposed = (error: unknown): boolean => error instanceof EncoderDisposedError && /the encoder was disposed/.test(error.message);
  await rejects(encoder.encode(['war']), disposed);
  await rejects(encoder.encodeQuery('war'), disposed);
  await rejects(encoder.encodeInputIds({ input_ids: [[2, 5, 3]] }), disposed);
});

test.run();
