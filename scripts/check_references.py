#!/usr/bin/python3
"""Re-runs the Python reference scripts (test/reference/) whose tools are installed and fails when a
committed fixture no longer matches what its script makes; records which script and tool versions
made each fixture in test/fixtures/provenance.json. Called by scripts/check-references.sh.

  check-references.sh            check: every fixture listed in provenance.json still has its recorded
                                 sha256 (catches a hand edit even where the tools are missing), and
                                 every runnable script, run in a scratch copy of the tree, rewrites
                                 its fixtures byte for byte.
  check-references.sh NAME.py    the same for the named scripts only (the sha256 check covers all)
  check-references.sh --record   run the runnable scripts the same way and, when their output equals
                                 the committed files, record script, arguments, sha256 and the versions
                                 of Python, of every module the script imports and of the external
                                 tools it runs into provenance.json (entries of skipped scripts stay).

A script runs in its own scratch copy (test/reference, test/fixtures, samples and a node_modules link),
so the working tree is never written. Its outputs are the files under the copy's test/fixtures and
samples that it wrote. A script is skipped, saying why, when one of its Python modules, the external
programs it runs or the system data files it copies are missing.
"""
import ast
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROVENANCE = os.path.join('test', 'fixtures', 'provenance.json')
PYTHON = '/usr/bin/python3'

# Each run: script, its arguments and the external programs it calls (the Python modules and the
# /usr data paths are read from the script itself). Not here: tablesParseTiming.py (a timing
# measurement, no fixture) and models_copula.py graph (it checks a model.onnx our TypeScript writes, so
# it follows writeCopulaFixture.ts, and needs python3-onnx).
RUNS = [
    ('tablesFixtures.py', [], []),
    ('tablesReference.py', [], []),
    ('dialectsReference.py', [], []),
    ('report_correlations_reference.py', [], []),
    ('metrics_reference.py', [], []),
    ('models_copula.py', ['table'], []),
    ('models_copula.py', ['graph'], []),
    ('models_user_table.py', [], []),
    ('tokenizer_reference.py', [], []),
    ('latent_reference.py', [], []),
    ('diffusion_reference.py', [], []),
    ('wfdb_reference.py', [], []),
    ('edf_reference.py', [], []),
    ('images_reference.py', [], []),
    ('dicom_reference.py', [], []),
    ('dicom_waveform_reference.py', [], []),
    ('models_image_tiny.py', [], []),
    ('embedder_builtin.py', [], []),
    ('ppca_reference.py', [], []),
    ('eigh_reference.py', [], []),
    ('image_metrics_reference.py', [], []),
    ('detection_reference.py', [], []),
    ('k_anonymity_reference.py', [], []),
    ('alpha_beta_reference.py', [], []),
    ('attacks_reference.py', [], []),
    ('density_protection_reference.py', [], []),
    ('tstr_reference.py', [], []),
    ('attribute_inference_reference.py', [], []),
    ('bootstrap_reference.py', [], []),
    ('bootstrap_distance_reference.py', [], []),
    ('knn_reference.py', [], []),
    ('dicom_codecs_reference.py', [], ['dcmcjpeg', 'dcmcjpls', 'dcmcrle', 'dcmdrle', 'dcmdjpeg', 'dcmdjpls', 'node']),
]
# Modules a script imports inside one step's function only: models_copula.py imports onnx for its
# graph step alone.
STEP_ONLY_MODULES = {('models_copula.py', ('table',)): ['onnx']}
TOOL_VERSION_ARGS = {'node': ['--version']}


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def script_needs(script):
    """The non-standard-library modules a script imports and the /usr paths it names."""
    with open(os.path.join(ROOT, 'test', 'reference', script), encoding='utf-8') as f:
        tree = ast.parse(f.read())
    modules, paths = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name.split('.')[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split('.')[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith('/usr/') and '\n' not in node.value:
            paths.add(node.value)
    return sorted(m for m in modules if m not in sys.stdlib_module_names), sorted(paths - {PYTHON})


def module_versions(modules):
    """Versions as Debian's Python sees them (None for a module that does not import)."""
    code = ('import importlib, json, sys\nout = {}\nfor m in sys.argv[1:]:\n    try:\n        mod = importlib.import_module(m)\n'
            "        out[m] = str(getattr(mod, '__version__', 'unknown'))\n    except Exception:\n        out[m] = None\nprint(json.dumps(out))")
    run = subprocess.run([PYTHON, '-c', code, *modules], capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def tool_version(tool):
    args = TOOL_VERSION_ARGS.get(tool, ['--version'])
    try:
        run = subprocess.run([tool, *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return 'unknown'
    lines = (run.stdout or run.stderr).strip().splitlines()
    return lines[0].strip() if lines else 'unknown'


def scratch_copy():
    tmp = tempfile.mkdtemp(prefix='medsynth-references-')
    os.makedirs(os.path.join(tmp, 'test'))
    for rel in ('test/reference', 'test/fixtures', 'samples'):
        src = os.path.join(ROOT, rel)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(tmp, rel), symlinks=True)
    if os.path.isdir(os.path.join(ROOT, 'node_modules')):
        os.symlink(os.path.join(ROOT, 'node_modules'), os.path.join(tmp, 'node_modules'))
    return tmp


def written_since(tmp, since):
    out = []
    for top in ('test/fixtures', 'samples'):
        for dirpath, _dirs, files in os.walk(os.path.join(tmp, top)):
            for name in files:
                full = os.path.join(dirpath, name)
                if not os.path.islink(full) and os.stat(full).st_mtime >= since:
                    out.append(os.path.relpath(full, tmp))
    return sorted(out)


def single_threaded_env():
    """The environment for a reference script: OpenMP on one thread.

    The scripts run several at a time, and OpenMP sizes its team from the cores the kernel lists, not from the
    container's CPU quota: on a CI machine scikit-learn's histogram boosting ran past the 300 s limit (2 s
    here; 32 threads on 2 cores already make it 8x slower)."""
    env = dict(os.environ)
    env['OMP_NUM_THREADS'] = '1'
    # OpenBLAS falls back to OMP_NUM_THREADS; keep its own default (one thread per listed core), which the
    # committed eigen-decomposition fixtures were made with.
    env.setdefault('OPENBLAS_NUM_THREADS', str(os.cpu_count() or 1))
    return env


def run_one(script, args, tools):
    """Returns (status, detail, outputs, versions); status is 'ok', 'skip' or 'fail'."""
    modules, paths = script_needs(script)
    modules = sorted(set(modules) - set(STEP_ONLY_MODULES.get((script, tuple(args)), [])))
    versions = module_versions(modules) if modules else {}
    missing = [m for m, v in versions.items() if v is None]
    missing += [t for t in tools if shutil.which(t) is None]
    missing += [p for p in paths if not os.path.exists(p)]
    if missing:
        return 'skip', 'missing ' + ', '.join(missing), [], {}
    python = subprocess.run([PYTHON, '-c', 'import platform; print(platform.python_version())'], capture_output=True, text=True, check=True)
    versions = {'python': python.stdout.strip(), **versions}
    for tool in tools:
        versions[tool] = tool_version(tool)
    tmp = scratch_copy()
    try:
        since = time.time() - 1
        # Backdate the copy so that only what the script writes counts as its output.
        for dirpath, _dirs, files in os.walk(tmp):
            for name in files:
                full = os.path.join(dirpath, name)
                if not os.path.islink(full):
                    os.utime(full, (since - 10, since - 10))
        try:
            run = subprocess.run([PYTHON, os.path.join('test', 'reference', script), *args], cwd=tmp, capture_output=True, text=True, timeout=300, env=single_threaded_env())
        except subprocess.TimeoutExpired:
            return 'fail', 'still running after 300 s (killed)', [], versions
        if run.returncode != 0:
            return 'fail', f'exit {run.returncode}: ' + (run.stderr.strip().splitlines() or [''])[-1], [], versions
        outputs = []
        for rel in written_since(tmp, since):
            committed = os.path.join(ROOT, rel)
            made = sha256(os.path.join(tmp, rel))
            if not os.path.exists(committed):
                outputs.append((rel, made, 'not committed'))
            elif sha256(committed) != made:
                outputs.append((rel, made, 'differs'))
            else:
                outputs.append((rel, made, 'same'))
        return 'ok', '', outputs, versions
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    record = '--record' in sys.argv[1:]
    only = [a for a in sys.argv[1:] if not a.startswith('--')]  # script names: run just these
    prov_path = os.path.join(ROOT, PROVENANCE)
    provenance = {}
    if os.path.exists(prov_path):
        with open(prov_path, encoding='utf-8') as f:
            provenance = json.load(f).get('files', {})
    failures = []
    # 1. Every runnable script makes the committed bytes again.
    started = time.time()

    def timed(run):
        t0 = time.time()
        return (*run_one(*run), f'{time.time() - t0:.1f} s')

    # The runs are independent (each in its own scratch copy) and mostly wait on their child process.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        runs = [r for r in RUNS if not only or r[0] in only]
        results = list(pool.map(timed, runs))
    for (script, args, _tools), (status, detail, outputs, versions, took) in zip(runs, results):
        label = ' '.join([script, *args])
        if status == 'skip':
            print(f'check-references: skip {label} ({detail})')
            continue
        if status == 'fail':
            failures.append(f'{label}: {detail}')
            print(f'check-references: FAIL {label} ({detail})')
            continue
        bad = [(rel, why) for rel, _h, why in outputs if why != 'same']
        for rel, why in bad:
            failures.append(f'{label}: {rel} {why} (the committed fixture is not what the script makes)')
        print(f"check-references: {'FAIL' if bad else 'ok'} {label}: {len(outputs) - len(bad)}/{len(outputs)} files identical ({took})")
        if record and not bad:
            for old in [k for k, v in provenance.items() if v['script'] == f'test/reference/{script}' and v.get('args', []) == args]:
                del provenance[old]
            for rel, digest, _why in outputs:
                provenance[rel] = {'script': f'test/reference/{script}', 'args': args, 'sha256': digest, 'versions': versions}
    # 2. Every recorded fixture (those of skipped scripts too) still has the bytes its script made.
    for rel, entry in sorted(provenance.items()):
        full = os.path.join(ROOT, rel)
        if not os.path.exists(full):
            failures.append(f'{rel}: recorded in {PROVENANCE} but missing')
        elif sha256(full) != entry['sha256']:
            failures.append(f"{rel}: changed since {entry['script']} made it (sha256 differs from {PROVENANCE}); rerun the script and scripts/check-references.sh --record")
    if record:
        doc = {'_about': 'Which test/reference script (and arguments) made each fixture, its sha256, and the versions of Python, of '
                         'the modules the script imports and of the programs it runs, as recorded by scripts/check-references.sh '
                         '--record after the script rewrote the committed bytes exactly.',
               'files': dict(sorted(provenance.items()))}
        with open(prov_path, 'w', encoding='utf-8') as f:
            json.dump(doc, f, indent=1)
            f.write('\n')
        print(f'check-references: recorded {len(provenance)} files in {PROVENANCE}')
    print(f'check-references: {time.time() - started:.1f} s')
    if failures:
        print('check-references: failed:\n  ' + '\n  '.join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
