// The WebAssembly decoders from @cornerstonejs (libjpeg-turbo 8-bit, CharLS, OpenJPEG, OpenJPH).
//
// Finding the .wasm files: core may not read files, so either the process entry installs a loader
// with setCodecWasmLoader (its bytes are handed to emscripten as `wasmBinary`), or emscripten reads
// the file itself from beside its JavaScript: node_modules/@cornerstonejs/<codec>/dist/ when run from
// source, and dist/codecs/ when bundled (esbuild.mjs copies the files there; emscripten's script
// directory is then the bundle's own folder).
//
// Each module is instantiated once, lazily. Calls are serialised (one decoder at a time), and after a
// decoder throws (a C++ exception, an emscripten abort, a WASM trap) its module is dropped and a fresh
// one is instantiated on the next call, since the old heap may be left inconsistent.

import { badInput, MedSynthError } from '../../../errors';

export type WasmCodec = 'jpeg' | 'jpeg-ls' | 'j2k' | 'htj2k';

export interface CodecFrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  readonly isSigned?: boolean;
}

export interface CodecOutput {
  readonly info: CodecFrameInfo;
  /** decoded samples as the codec lays them out: little-endian, 1 byte per sample up to 8 bits, else 2 */
  readonly bytes: Uint8Array;
  /** JPEG-LS only: 0 = planes one after another, 1 = line interleaved, 2 = sample interleaved */
  readonly interleaveMode?: number;
}

interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): CodecFrameInfo;
  getInterleaveMode?(): number;
  delete(): void;
}
type DecoderClass = new () => EmbindDecoder;
type EmscriptenFactory = (options: Record<string, unknown>) => Promise<Record<string, unknown>>;

interface CodecSpec {
  readonly wasmFile: string;
  readonly className: string;
  readonly load: () => Promise<unknown>;
}

const SPECS: Readonly<Record<WasmCodec, CodecSpec>> = {
  jpeg: {
    wasmFile: 'libjpegturbowasm_decode.wasm',
    className: 'JPEGDecoder',
    load: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
  },
  'jpeg-ls': {
    wasmFile: 'charlswasm_decode.wasm',
    className: 'JpegLSDecoder',
    load: () => import('@cornerstonejs/codec-charls/decodewasmjs'),
  },
  j2k: { wasmFile: 'openjpegwasm_decode.wasm', className: 'J2KDecoder', load: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs') },
  htj2k: { wasmFile: 'openjphjs.wasm', className: 'HTJ2KDecoder', load: () => import('@cornerstonejs/codec-openjph/wasmjs') },
};

/** The .wasm file names the bundles must ship (esbuild.mjs copies them to dist/codecs/). */
export const CODEC_WASM_FILES: readonly string[] = Object.values(SPECS).map((s) => s.wasmFile);

let wasmLoader: ((wasmFile: string) => Uint8Array) | undefined;

/** Installs (or with undefined removes) the function that returns a codec's .wasm bytes by file name. */
export function setCodecWasmLoader(loader: ((wasmFile: string) => Uint8Array) | undefined): void {
  wasmLoader = loader;
  modules.clear();
}

const modules = new Map<WasmCodec, Promise<DecoderClass>>();
let queue: Promise<unknown> = Promise.resolve();

function instantiate(codec: WasmCodec): Promise<DecoderClass> {
  const spec = SPECS[codec];
  return (async () => {
    const loaded = (await spec.load()) as { default?: unknown };
    const factory = (typeof loaded === 'function' ? loaded : loaded.default) as EmscriptenFactory;
    const options: Record<string, unknown> = {
      print: () => undefined,
      printErr: () => undefined,
      locateFile: (path: string, dir: string) => (/[\\/]@cornerstonejs[\\/]/.test(dir) ? dir + path : `${dir}codecs/${path}`),
    };
    if (wasmLoader) options.wasmBinary = wasmLoader(spec.wasmFile);
    const module = await factory(options);
    const cls = module[spec.className];
    if (typeof cls !== 'function') throw new Error(`${spec.className} missing from the module`);
    return cls as DecoderClass;
  })();
}

async function decoderClass(codec: WasmCodec, what: string, fileName: string | undefined): Promise<DecoderClass> {
  let pending = modules.get(codec);
  if (!pending) {
    pending = instantiate(codec);
    modules.set(codec, pending);
  }
  try {
    return await pending;
  } catch (e) {
    modules.delete(codec);
    throw new MedSynthError(
      'UNSUPPORTED',
      `the ${what} decoder (${SPECS[codec].wasmFile}) could not be loaded: ${describe(e)}`,
      { file: fileName },
      { cause: e },
    );
  }
}

/**
 * Decodes one frame with a WASM codec. `check` sees the codec's frame info before the output is
 * copied and throws when it disagrees with the DICOM geometry.
 */
export function decodeWasm(
  codec: WasmCodec,
  encoded: Uint8Array,
  what: string,
  fileName: string | undefined,
  check: (info: CodecFrameInfo) => number,
): Promise<CodecOutput> {
  const run = async (): Promise<CodecOutput> => {
    const Decoder = await decoderClass(codec, what, fileName);
    let decoder: EmbindDecoder | undefined;
    try {
      decoder = new Decoder();
      decoder.getEncodedBuffer(encoded.length).set(encoded);
      decoder.decode();
      const info = { ...decoder.getFrameInfo() };
      const expectedBytes = check(info);
      const out = decoder.getDecodedBuffer();
      if (out.length !== expectedBytes)
        throw badInput(`the ${what} decoder returned ${out.length} bytes`, { file: fileName, expected: `${expectedBytes} bytes` });
      const interleaveMode = decoder.getInterleaveMode ? decoder.getInterleaveMode() : undefined;
      return { info, bytes: out.slice(), interleaveMode };
    } catch (e) {
      if (e instanceof MedSynthError) throw e;
      modules.delete(codec);
      throw badInput(`${what} data cannot be decoded: ${describe(e)}`, { file: fileName, expected: `a valid ${what} codestream` });
    } finally {
      try {
        decoder?.delete();
      } catch {
        modules.delete(codec);
      }
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'number') return `decoder exception ${e}`;
  return String(e).slice(0, 200);
}
