// The fuzz targets for the image, signal and text parsers, one file each: test/fuzz/targets/<name>.ts
// exports `<name>Target` (see ../targetSpec.ts). Modules load on first use, so the supervisor and the
// worker process only pay for the targets they run.
import type { FuzzRandom } from '../random';
import type { Built } from '../structured';
import type { FuzzTargetSpec } from '../targetSpec';

function lazyTarget(name: string, extension: string): FuzzTargetSpec {
  let spec: FuzzTargetSpec | undefined;
  const load = async (): Promise<FuzzTargetSpec> => {
    if (!spec) {
      const mod = (await import(`./${name}`)) as Record<string, FuzzTargetSpec | undefined>;
      const found = mod[`${name}Target`];
      if (!found) throw new Error(`test/fuzz/targets/${name}.ts exports no ${name}Target`);
      spec = found;
    }
    return spec;
  };
  return {
    name,
    extension,
    loadCorpus: async () => (await load()).loadCorpus(),
    buildStructured: (rng: FuzzRandom, base: Uint8Array): Built => {
      if (!spec) throw new Error(`fuzz target ${name}: buildStructured before loadCorpus`);
      return spec.buildStructured(rng, base);
    },
    execute: async (bytes, scratch) => (await load()).execute(bytes, scratch),
  };
}

export const SPEC_TARGETS: readonly FuzzTargetSpec[] = [
  lazyTarget('dicom', 'dcm'),
  lazyTarget('dicomdir', 'dicomdir'),
  lazyTarget('nifti', 'nii'),
  lazyTarget('png', 'png'),
  lazyTarget('jpeg', 'jpg'),
  lazyTarget('wfdb', 'wfdb'),
  lazyTarget('edf', 'edf'),
  lazyTarget('tokenizer', 'json'),
  lazyTarget('embedderManifest', 'json'),
];
