#!/usr/bin/python3
"""Tiny image generators as real ONNX graphs (built with the onnx helper, opset 17), their manifests,
and what each must produce, computed in numpy from the graphs' definitions (not by MedSynth's code).

Writes test/fixtures/models/image_tiny/:
  gan/             z[N,8] -> x[N,1,8,8] = reshape(z W + b): a single-pass "GAN" generator.
  gan_onehot/      z[N,8], y[N,3] one-hot -> reshape(z W + y U + b): a conditional one (3 classes).
  denoiser/        the tiny denoiser of test/reference/diffusion_reference.py as a graph: for element j
                   (flat index within the sample) of x_t[N,C,H,W] at timestep t (int64 [N]),
                   m = tanh(0.9 x_j + 0.6 t / 1000 - 0.3 + 0.1 (j mod 3)); so a run through onnxruntime can
                   be compared with the reference trajectories of test/fixtures/diffusion/reference_runs.json.
  denoiser_cfg/    the same plus 0.25 c, c a vector condition [N,1] (the reference's conditional term);
                   the timestep is a float32 scalar []. With c = 1 + (i mod 2) and the null condition
                   [0] it is the reference's classifier-free guidance denoiser.
  denoiser_onehot/ the same with c = y . [1, 2] for a one-hot y[N,2]: class k gives c = k + 1, the null
                   condition [0, 0] gives c = 0.
  denoiser_index/  the same with c = [1, 2, 0][y] for a class index y (int64 [N]); the null class 2 gives 0.
  latent/          the denoiser on latents [N,1,4,4] with a decoder (decoder.onnx: z[N,1,4,4] ->
                   image[N,1,8,8] = reshape(tanh(flatten(z) D + e))) and latentScale 0.5.
  translate/       s[N,1,8,8] (a source image), z[N,1,8,8] -> 0.8 s + 0.1 z + 0.05: a translation model.
  embedder/        img[N,1,8,8] -> feat[N,4] = tanh(flatten(img) E + f): an embedder-shaped model.
  nan_denoiser/    tanh(x_t) + 0 * sqrt(t - 500): finite for t >= 500, NaN below (a broken model).
  expected.json    per case: the request (seed, rows, classes, sources) and the outputs numpy computes,
                   with latents from test/reference/latent_reference.py and diffusion trajectories
                   from test/reference/diffusion_reference.py's run_case (its denoiser given each sample's
                   class where the case has classes).

Every file is deterministic: re-running the script reproduces them byte for byte.
Run: /usr/bin/python3 test/reference/models_image_tiny.py [OUT_DIR]
"""
import importlib.util
import json
import os
import platform
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


latent_reference = load('latent_reference')
diffusion_reference = load('diffusion_reference')

T = 1000
F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save_model(path, nodes, inputs, outputs, initializers, name):
    used = {i for n in nodes for i in n.input}
    initializers = [t for t in initializers if t.name in used]
    graph = helper.make_graph(nodes, name, inputs, outputs, initializers)
    model = helper.make_model(graph, producer_name='medsynth-test-fixtures', opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(model.SerializeToString())


def write_json(path, doc):
    with open(path, 'w') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')


def f32_list(a):
    # The shortest decimal that reads back as the same float32.
    return [float(str(v)) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def latents(seed, first, rows, dims):
    return np.array([latent_reference.latent_row(seed, first + i, dims, 'normal') for i in range(rows)], dtype=np.float32).reshape(rows, dims)


def manifest(name, family, inputs, output, extra=None):
    doc = {
        'schema': 'medsynth.generator/1',
        'name': name,
        'modality': 'image',
        'family': family,
        'model': 'model.onnx',
        'inputs': inputs,
        'outputs': {'sample': {'name': output}},
        'postprocess': {'layout': 'NCHW', 'channels': 1, 'rows': 8, 'columns': 8, 'outputRange': [-1, 1], 'valueRange': [0, 255],
                        'photometric': 'MONOCHROME2'},
        'provenance': {'createdBy': 'test/reference/models_image_tiny.py', 'license': 'Apache-2.0'},
    }
    if extra:
        doc.update(extra)
    return doc


# --- single-pass generators ------------------------------------------------------------------------

rng = np.random.default_rng(20240807)
GAN_W = (rng.normal(0, 0.3, (8, 64))).astype(np.float32)
GAN_B = (rng.normal(0, 0.1, 64)).astype(np.float32)
GAN_U = (rng.normal(0, 1.0, (3, 64))).astype(np.float32)
DEC_D = (rng.normal(0, 0.25, (16, 64))).astype(np.float32)
DEC_E = (rng.normal(0, 0.1, 64)).astype(np.float32)
EMB_E = (rng.normal(0, 0.2, (64, 4))).astype(np.float32)
EMB_F = (rng.normal(0, 0.1, 4)).astype(np.float32)
CLASSES3 = ['normal', 'benign', 'malignant']
CLASSES2 = ['normal', 'nodule']


def build_gan(out, conditional):
    nodes = [helper.make_node('MatMul', ['z', 'W'], ['zw'])]
    inits = [const('W', GAN_W), const('b', GAN_B), const('shape', np.array([-1, 1, 8, 8], dtype=np.int64))]
    inputs = [helper.make_tensor_value_info('z', F32, ['N', 8])]
    last = 'zw'
    if conditional:
        inputs.append(helper.make_tensor_value_info('y', F32, ['N', 3]))
        inits.append(const('U', GAN_U))
        nodes += [helper.make_node('MatMul', ['y', 'U'], ['yu']), helper.make_node('Add', ['zw', 'yu'], ['zwyu'])]
        last = 'zwyu'
    nodes += [helper.make_node('Add', [last, 'b'], ['flat']), helper.make_node('Reshape', ['flat', 'shape'], ['x'])]
    save_model(os.path.join(out, 'model.onnx'), nodes, inputs, [helper.make_tensor_value_info('x', F32, ['N', 1, 8, 8])], inits, 'gan')
    inputs_doc = {'latent': {'name': 'z', 'shape': [-1, 8], 'distribution': 'normal'}}
    if conditional:
        inputs_doc['condition'] = {'name': 'y', 'kind': 'onehot', 'classes': CLASSES3}
    write_json(os.path.join(out, 'medsynth.json'), manifest('tiny-gan-onehot' if conditional else 'tiny-gan', 'single-pass', inputs_doc, 'x'))


def gan_reference(seed, first, rows, classes=None):
    z = latents(seed, first, rows, 8).astype(np.float64)
    x = z @ GAN_W.astype(np.float64) + GAN_B.astype(np.float64)
    if classes is not None:
        x = x + GAN_U.astype(np.float64)[np.array(classes)]
    return x


# --- denoisers ------------------------------------------------------------------------------------

def denoiser_nodes(timestep, condition):
    """The tiny denoiser over x_t[N,C,H,W]; `timestep` 'int64-batch' or 'float-scalar'; `condition` None,
    'vector', 'onehot' or 'index'. Returns nodes, extra inputs, initializers."""
    inits = [const('flat_shape', np.array([0, -1], dtype=np.int64)), const('zero', np.array(0, dtype=np.int64)),
             const('one', np.array(1, dtype=np.int64)), const('three', np.array(3, dtype=np.int64)),
             const('k09', np.array(0.9, dtype=np.float32)), const('k01', np.array(0.1, dtype=np.float32)),
             const('kt', np.array(0.6 / T, dtype=np.float32)), const('k03', np.array(-0.3, dtype=np.float32)),
             const('k025', np.array(0.25, dtype=np.float32)), const('axis1', np.array([1], dtype=np.int64))]
    nodes = [
        helper.make_node('Shape', ['x_t'], ['x_shape']),
        helper.make_node('Reshape', ['x_t', 'flat_shape'], ['flat']),
        helper.make_node('Shape', ['flat'], ['flat_dims']),
        helper.make_node('Gather', ['flat_dims', 'one'], ['D'], axis=0),
        helper.make_node('Range', ['zero', 'D', 'one'], ['j']),
        helper.make_node('Mod', ['j', 'three'], ['jm']),
        helper.make_node('Cast', ['jm'], ['jf'], to=F32),
        helper.make_node('Mul', ['jf', 'k01'], ['jterm']),
        helper.make_node('Mul', ['flat', 'k09'], ['xterm']),
    ]
    if timestep == 'int64-batch':
        inputs = [helper.make_tensor_value_info('t', I64, ['N'])]
        nodes += [helper.make_node('Cast', ['t'], ['tf'], to=F32), helper.make_node('Unsqueeze', ['tf', 'axis1'], ['tcol'])]
    else:
        inputs = [helper.make_tensor_value_info('t', F32, [])]
        nodes += [helper.make_node('Identity', ['t'], ['tcol'])]
    nodes += [
        helper.make_node('Mul', ['tcol', 'kt'], ['tterm']),
        helper.make_node('Add', ['xterm', 'tterm'], ['a1']),
        helper.make_node('Add', ['a1', 'k03'], ['a2']),
        helper.make_node('Add', ['a2', 'jterm'], ['a3']),
    ]
    last = 'a3'
    if condition is not None:
        if condition == 'vector':
            inputs.append(helper.make_tensor_value_info('c', F32, ['N', 1]))
            nodes.append(helper.make_node('Identity', ['c'], ['ccol']))
        elif condition == 'onehot':
            inputs.append(helper.make_tensor_value_info('y', F32, ['N', 2]))
            inits.append(const('cw', np.array([[1], [2]], dtype=np.float32)))
            nodes.append(helper.make_node('MatMul', ['y', 'cw'], ['ccol']))
        else:
            inputs.append(helper.make_tensor_value_info('y', I64, ['N']))
            inits.append(const('ctable', np.array([1, 2, 0], dtype=np.float32)))
            nodes += [helper.make_node('Gather', ['ctable', 'y'], ['cidx'], axis=0), helper.make_node('Unsqueeze', ['cidx', 'axis1'], ['ccol'])]
        nodes += [helper.make_node('Mul', ['ccol', 'k025'], ['cterm']), helper.make_node('Add', ['a3', 'cterm'], ['a4'])]
        last = 'a4'
    nodes += [helper.make_node('Tanh', [last], ['m']), helper.make_node('Reshape', ['m', 'x_shape'], ['out'])]
    return nodes, inputs, inits


def build_denoiser(path, timestep='int64-batch', condition=None):
    nodes, extra, inits = denoiser_nodes(timestep, condition)
    x = helper.make_tensor_value_info('x_t', F32, ['N', 'C', 'H', 'W'])
    save_model(path, nodes, [x, *extra], [helper.make_tensor_value_info('out', F32, ['N', 'C', 'H', 'W'])], inits, 'tiny_denoiser')


def build_nan_denoiser(path):
    inits = [const('k500', np.array(500, dtype=np.float32)), const('k0', np.array(0, dtype=np.float32)),
             const('axis1', np.array([1, 2, 3], dtype=np.int64))]
    nodes = [
        helper.make_node('Cast', ['t'], ['tf'], to=F32),
        helper.make_node('Sub', ['tf', 'k500'], ['d']),
        helper.make_node('Sqrt', ['d'], ['r']),
        helper.make_node('Mul', ['r', 'k0'], ['z']),
        helper.make_node('Unsqueeze', ['z', 'axis1'], ['z4']),
        helper.make_node('Tanh', ['x_t'], ['th']),
        helper.make_node('Add', ['th', 'z4'], ['out']),
    ]
    inputs = [helper.make_tensor_value_info('x_t', F32, ['N', 'C', 'H', 'W']), helper.make_tensor_value_info('t', I64, ['N'])]
    save_model(path, nodes, inputs, [helper.make_tensor_value_info('out', F32, ['N', 'C', 'H', 'W'])], inits, 'nan_denoiser')


def build_decoder(path):
    inits = [const('flat_shape', np.array([0, -1], dtype=np.int64)), const('D', DEC_D), const('e', DEC_E),
             const('shape', np.array([-1, 1, 8, 8], dtype=np.int64))]
    nodes = [
        helper.make_node('Reshape', ['z', 'flat_shape'], ['zf']),
        helper.make_node('MatMul', ['zf', 'D'], ['zd']),
        helper.make_node('Add', ['zd', 'e'], ['ze']),
        helper.make_node('Tanh', ['ze'], ['th']),
        helper.make_node('Reshape', ['th', 'shape'], ['image']),
    ]
    save_model(path, nodes, [helper.make_tensor_value_info('z', F32, ['N', 1, 4, 4])],
               [helper.make_tensor_value_info('image', F32, ['N', 1, 8, 8])], inits, 'tiny_decoder')


def build_translate(path):
    inits = [const('a', np.array(0.8, dtype=np.float32)), const('b', np.array(0.1, dtype=np.float32)),
             const('c', np.array(0.05, dtype=np.float32))]
    nodes = [helper.make_node('Mul', ['s', 'a'], ['sa']), helper.make_node('Mul', ['z', 'b'], ['zb']),
             helper.make_node('Add', ['sa', 'zb'], ['u']), helper.make_node('Add', ['u', 'c'], ['x'])]
    inputs = [helper.make_tensor_value_info('z', F32, ['N', 1, 8, 8]), helper.make_tensor_value_info('s', F32, ['N', 1, 8, 8])]
    save_model(path, nodes, inputs, [helper.make_tensor_value_info('x', F32, ['N', 1, 8, 8])], inits, 'tiny_translate')


def build_embedder(path):
    inits = [const('flat_shape', np.array([0, -1], dtype=np.int64)), const('E', EMB_E), const('f', EMB_F)]
    nodes = [helper.make_node('Reshape', ['img', 'flat_shape'], ['flat']), helper.make_node('MatMul', ['flat', 'E'], ['fe']),
             helper.make_node('Add', ['fe', 'f'], ['g']), helper.make_node('Tanh', ['g'], ['feat'])]
    save_model(path, nodes, [helper.make_tensor_value_info('img', F32, ['N', 1, 8, 8])],
               [helper.make_tensor_value_info('feat', F32, ['N', 4])], inits, 'tiny_embedder')


# --- diffusion references: diffusion_reference.run_case with each sample's class ---------------------

def class_runs(counts):
    return [k for k, n in enumerate(counts) for _ in range(n)]


def diffusion_reference_run(case, classes=None):
    """run_case of diffusion_reference.py; with `classes` (the class of each global sample index) its
    denoiser's conditional term is c = class + 1 instead of 1 + (i mod 2)."""
    original = diffusion_reference.denoiser

    def denoiser(x, t, T_, first, branch):
        count, dims = x.shape
        j = np.arange(dims) % 3
        if branch == 'conditional':
            c = (np.array([classes[first + i] for i in range(count)], dtype=np.float64) + 1).reshape(-1, 1)
        else:
            c = np.zeros((count, 1))
        return np.tanh(0.9 * x.astype(np.float64) + 0.6 * t / T_ - 0.3 + 0.1 * j + 0.25 * c).astype(np.float32)

    if classes is not None:
        diffusion_reference.denoiser = denoiser
    try:
        ts, trajectory = diffusion_reference.run_case(case)
    finally:
        diffusion_reference.denoiser = original
    return ts, np.array(trajectory[-1], dtype=np.float32)


DIFFUSION_BASE = {'trainSteps': T, 'betaSchedule': 'linear'}


def diffusion_section(case, **extra):
    keys = ['scheduler', 'trainSteps', 'sampleSteps', 'betaSchedule', 'betaStart', 'betaEnd', 'prediction', 'timestepSpacing', 'eta',
            'clipSample', 'guidanceScale']
    section = {k: case[k] for k in keys if k in case}
    section['timestepInput'] = 't'
    section.update(extra)
    return section


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'fixtures', 'models', 'image_tiny')
    os.makedirs(out, exist_ok=True)
    expected = {'_provenance': {'script': 'test/reference/models_image_tiny.py', 'python': platform.python_version(),
                                'numpy': np.__version__, 'onnx': onnx.__version__}}

    build_gan(os.path.join(out, 'gan'), False)
    expected['gan'] = {'seed': 11, 'firstRow': 3, 'rows': 5, 'sample': f32_list(gan_reference(11, 3, 5))}

    build_gan(os.path.join(out, 'gan_onehot'), True)
    counts = [2, 3, 1]
    expected['gan_onehot'] = {'seed': 5, 'firstRow': 0, 'rows': 6, 'counts': counts, 'classes': class_runs(counts),
                              'sample': f32_list(gan_reference(5, 0, 6, class_runs(counts)))}

    latent_in = {'name': 'x_t', 'shape': [-1, 1, 8, 8], 'distribution': 'normal'}
    ddim = {**DIFFUSION_BASE, 'scheduler': 'ddim', 'eta': 0, 'sampleSteps': 8, 'prediction': 'epsilon'}

    build_denoiser(os.path.join(out, 'denoiser', 'model.onnx'))
    write_json(os.path.join(out, 'denoiser', 'medsynth.json'),
               manifest('tiny-ddim', 'diffusion', {'latent': latent_in}, 'out', {'diffusion': diffusion_section(ddim)}))
    case = {**ddim, 'seed': 17, 'firstSample': 0, 'count': 4, 'shape': [1, 8, 8]}
    ts, final = diffusion_reference_run(case)
    expected['denoiser'] = {'seed': 17, 'firstRow': 0, 'rows': 4, 'timesteps': ts, 'sample': f32_list(final)}

    build_denoiser(os.path.join(out, 'denoiser_cfg', 'model.onnx'), timestep='float-scalar', condition='vector')
    cfg = {**DIFFUSION_BASE, 'scheduler': 'ddim', 'eta': 0, 'sampleSteps': 8, 'prediction': 'epsilon', 'guidanceScale': 3}
    write_json(os.path.join(out, 'denoiser_cfg', 'medsynth.json'),
               manifest('tiny-ddim-cfg-vector', 'diffusion', {'latent': latent_in, 'condition': {'name': 'c', 'kind': 'vector', 'shape': [-1, 1]}},
                        'out', {'diffusion': diffusion_section(cfg, nullCondition=[0])}))

    onehot = {**DIFFUSION_BASE, 'scheduler': 'ddim', 'eta': 1, 'sampleSteps': 8, 'prediction': 'v', 'guidanceScale': 2,
              'timestepSpacing': 'trailing'}
    build_denoiser(os.path.join(out, 'denoiser_onehot', 'model.onnx'), condition='onehot')
    write_json(os.path.join(out, 'denoiser_onehot', 'medsynth.json'),
               manifest('tiny-ddim-cfg-onehot', 'diffusion', {'latent': latent_in, 'condition': {'name': 'y', 'kind': 'onehot', 'classes': CLASSES2}},
                        'out', {'diffusion': diffusion_section(onehot, nullCondition=[0, 0])}))
    counts = [2, 3]
    case = {**onehot, 'seed': 21, 'firstSample': 0, 'count': 5, 'shape': [1, 8, 8]}
    ts, final = diffusion_reference_run(case, class_runs(counts))
    expected['denoiser_onehot'] = {'seed': 21, 'firstRow': 0, 'rows': 5, 'counts': counts, 'classes': class_runs(counts), 'timesteps': ts,
                                   'sample': f32_list(final)}

    index = {**DIFFUSION_BASE, 'scheduler': 'ddpm', 'sampleSteps': 6, 'prediction': 'epsilon', 'guidanceScale': 1.5,
             'timestepSpacing': 'linspace', 'clipSample': [-1, 1]}
    build_denoiser(os.path.join(out, 'denoiser_index', 'model.onnx'), condition='index')
    write_json(os.path.join(out, 'denoiser_index', 'medsynth.json'),
               manifest('tiny-ddpm-cfg-index', 'diffusion', {'latent': latent_in, 'condition': {'name': 'y', 'kind': 'index', 'classes': CLASSES2}},
                        'out', {'diffusion': diffusion_section(index, nullCondition=2)}))
    counts = [1, 3]
    case = {**index, 'seed': 23, 'firstSample': 0, 'count': 4, 'shape': [1, 8, 8]}
    ts, final = diffusion_reference_run(case, class_runs(counts))
    expected['denoiser_index'] = {'seed': 23, 'firstRow': 0, 'rows': 4, 'counts': counts, 'classes': class_runs(counts), 'timesteps': ts,
                                  'sample': f32_list(final)}

    latent_cfg = {**DIFFUSION_BASE, 'scheduler': 'ddim', 'eta': 0, 'sampleSteps': 8, 'prediction': 'epsilon'}
    build_denoiser(os.path.join(out, 'latent', 'model.onnx'))
    build_decoder(os.path.join(out, 'latent', 'decoder.onnx'))
    write_json(os.path.join(out, 'latent', 'medsynth.json'),
               manifest('tiny-latent-ddim', 'diffusion', {'latent': {'name': 'x_t', 'shape': [-1, 1, 4, 4], 'distribution': 'normal'}}, 'out',
                        {'diffusion': diffusion_section(latent_cfg, decoder='decoder.onnx', decoderInput='z', decoderOutput='image',
                                                        latentScale=0.5)}))
    case = {**latent_cfg, 'seed': 31, 'firstSample': 1, 'count': 3, 'shape': [1, 4, 4]}
    ts, final = diffusion_reference_run(case)
    z = final.astype(np.float64).reshape(3, 16) / 0.5
    image = np.tanh(z @ DEC_D.astype(np.float64) + DEC_E.astype(np.float64))
    expected['latent'] = {'seed': 31, 'firstRow': 1, 'rows': 3, 'timesteps': ts, 'latents': f32_list(final), 'sample': f32_list(image)}

    build_translate(os.path.join(out, 'translate', 'model.onnx'))
    write_json(os.path.join(out, 'translate', 'medsynth.json'),
               manifest('tiny-translate', 'single-pass', {'latent': {'name': 'z', 'shape': [-1, 1, 8, 8], 'distribution': 'normal'},
                                                          'condition': {'name': 's', 'kind': 'source', 'shape': [-1, 1, 8, 8]}}, 'x'))
    sources = np.random.default_rng(41).uniform(-1, 1, (4, 64)).astype(np.float32)
    z = latents(43, 2, 4, 64).astype(np.float64)
    expected['translate'] = {'seed': 43, 'firstRow': 2, 'rows': 4, 'sources': f32_list(sources),
                             'sample': f32_list(0.8 * sources.astype(np.float64) + 0.1 * z + 0.05)}

    build_embedder(os.path.join(out, 'embedder', 'model.onnx'))
    images = np.random.default_rng(47).uniform(-1, 1, (5, 64)).astype(np.float32)
    expected['embedder'] = {'input': 'img', 'output': 'feat', 'shape': [5, 1, 8, 8], 'images': f32_list(images),
                            'features': f32_list(np.tanh(images.astype(np.float64) @ EMB_E.astype(np.float64) + EMB_F.astype(np.float64)))}

    build_nan_denoiser(os.path.join(out, 'nan_denoiser', 'model.onnx'))
    nan_cfg = {**DIFFUSION_BASE, 'scheduler': 'ddim', 'eta': 0, 'sampleSteps': 8, 'prediction': 'epsilon'}
    write_json(os.path.join(out, 'nan_denoiser', 'medsynth.json'),
               manifest('tiny-nan', 'diffusion', {'latent': latent_in}, 'out', {'diffusion': diffusion_section(nan_cfg)}))
    ts = diffusion_reference.timesteps_of(T, 8, 'leading')
    first_nan = next(k for k, t in enumerate(ts) if t < 500)
    expected['nan_denoiser'] = {'timesteps': ts, 'firstNanStep': first_nan + 1, 'firstNanTimestep': ts[first_nan]}

    with open(os.path.join(out, 'expected.json'), 'w') as f:
        json.dump(expected, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
