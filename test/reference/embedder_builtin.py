#!/usr/bin/python3
"""The built-in image embedder: a fixed, seeded random-feature convolutional network (no training data,
nothing downloaded), written as an ONNX graph with numpy and the onnx helper; and an independent numpy
forward pass of the same network as the reference its test compares onnxruntime against.

Writes (paths relative to the repository root, the working directory):
  assets/embedder/model.onnx          the graph (opset 13), weights from numpy's PCG64 seeded with SEED
  assets/embedder/medsynth.json       its embedder manifest (schema medsynth.embedder/1)
  test/fixtures/embedder/builtin_inputs.f32
                                      a batch of 6 made-up 1x64x64 inputs (float32, little-endian, NCHW):
                                      a ramp, a disc, a checkerboard, seeded uniform noise, all -1, all +1
  test/fixtures/embedder/builtin_reference.json
                                      the sha256 of both assets, the architecture, and the features the
                                      numpy forward pass (float64, im2col convolution) computes for each input

assets/embedder/README.md is written by hand and documents the result; the unit test checks that it
names the model's sha256. Re-running this script rewrites every file above byte for byte (numpy's
Generator stream and the protobuf serialisation are deterministic); the sha256 recorded in the fixture
is what scripts/check_references.py compares, since it looks only under test/fixtures.

The network, on x of shape [N, 1, 64, 64] with values in [-1, 1]:
  thumbnail = AveragePool(x, 8x8, stride 8)                       -> 64 values (8x8 coarse intensity)
  a1 = ReLU(Conv(x,  W1: 16x1x3x3,  stride 2, pad 1))              -> [N, 16, 32, 32]
  a2 = ReLU(Conv(a1, W2: 32x16x3x3, stride 2, pad 1))              -> [N, 32, 16, 16]
  a3 = ReLU(Conv(a2, W3: 48x32x3x3, stride 2, pad 1))              -> [N, 48, 8, 8]
  a4 = ReLU(Conv(a3, W4: 64x48x3x3, stride 2, pad 1))              -> [N, 64, 4, 4]
  per layer k: mean_k = spatial mean per channel, std_k = sqrt(spatial mean of (a_k - mean_k)^2)
  features = concat(thumbnail, mean_1, std_1, mean_2, std_2, mean_3, std_3, mean_4, std_4) -> [N, 384]
W_k ~ Normal(0, 2 / fan_in) (He), fan_in = C_in * 9, drawn in order W1..W4; no biases; no
normalisation of the output.
"""
import hashlib
import json
import os
import re

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 20240608
SIDE = 64
CHANNELS = [16, 32, 48, 64]
THUMB = 8
NAME = 'medsynth-random-conv-v1'
ASSETS = os.path.join('assets', 'embedder')
FIXTURES = os.path.join('test', 'fixtures', 'embedder')
DIMS = THUMB * THUMB + 2 * sum(CHANNELS)

MANIFEST = {
    'schema': 'medsynth.embedder/1',
    'name': NAME,
    'model': 'model.onnx',
    'input': {'name': 'image', 'shape': [-1, 1, SIDE, SIDE]},
    'valueRange': [-1, 1],
    'output': {'name': 'features', 'dims': DIMS},
    'doc': (
        'MedSynth built-in embedder: a fixed random-feature convolutional network (4 stride-2 3x3 conv + ReLU layers, '
        f'He-initialised from seed {SEED}, never trained), features = an 8x8 average-pooled thumbnail plus the spatial mean '
        'and standard deviation of every channel of every layer (384 values, not normalised). Sensitive to intensity and '
        'texture statistics and coarse structure; its FID is not comparable with Inception FIDs. See README.md.'
    ),
    'license': 'Apache-2.0',
}


def weights():
    rng = np.random.default_rng(SEED)
    out, c_in = [], 1
    for c_out in CHANNELS:
        fan_in = c_in * 9
        out.append((rng.standard_normal((c_out, c_in, 3, 3)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
        c_in = c_out
    return out


def build_model(ws):
    nodes, inits, pooled = [], [], []
    nodes.append(helper.make_node('AveragePool', ['image'], ['thumb4d'], kernel_shape=[THUMB, THUMB], strides=[THUMB, THUMB]))
    nodes.append(helper.make_node('Flatten', ['thumb4d'], ['thumb'], axis=1))
    pooled.append('thumb')
    prev = 'image'
    for k, w in enumerate(ws, start=1):
        inits.append(numpy_helper.from_array(w, f'W{k}'))
        nodes.append(helper.make_node('Conv', [prev, f'W{k}'], [f'c{k}'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node('Relu', [f'c{k}'], [f'a{k}']))
        nodes.append(helper.make_node('GlobalAveragePool', [f'a{k}'], [f'm{k}']))
        nodes.append(helper.make_node('Sub', [f'a{k}', f'm{k}'], [f'd{k}']))
        nodes.append(helper.make_node('Mul', [f'd{k}', f'd{k}'], [f'q{k}']))
        nodes.append(helper.make_node('GlobalAveragePool', [f'q{k}'], [f'v{k}']))
        nodes.append(helper.make_node('Sqrt', [f'v{k}'], [f's{k}']))
        nodes.append(helper.make_node('Flatten', [f'm{k}'], [f'mean{k}'], axis=1))
        nodes.append(helper.make_node('Flatten', [f's{k}'], [f'std{k}'], axis=1))
        pooled += [f'mean{k}', f'std{k}']
        prev = f'a{k}'
    nodes.append(helper.make_node('Concat', pooled, ['features'], axis=1))
    graph = helper.make_graph(
        nodes,
        NAME,
        [helper.make_tensor_value_info('image', TensorProto.FLOAT, ['N', 1, SIDE, SIDE])],
        [helper.make_tensor_value_info('features', TensorProto.FLOAT, ['N', DIMS])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='medsynth test/reference/embedder_builtin.py')
    model.ir_version = 7
    model.doc_string = MANIFEST['doc']
    onnx.checker.check_model(model)
    return model


def conv_s2(x, w):
    """3x3 convolution, stride 2, zero padding 1, no bias, in float64 (im2col)."""
    n, c, h, wd = x.shape
    p = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    oh, ow = (h + 2 - 3) // 2 + 1, (wd + 2 - 3) // 2 + 1
    cols = np.empty((n, c, 3, 3, oh, ow))
    for i in range(3):
        for j in range(3):
            cols[:, :, i, j] = p[:, :, i:i + 2 * oh:2, j:j + 2 * ow:2]
    return np.einsum('ncijhw,ocij->nohw', cols, w.astype(np.float64))


def forward(x, ws):
    x = x.astype(np.float64)
    n = x.shape[0]
    parts = [x.reshape(n, 1, THUMB, SIDE // THUMB, THUMB, SIDE // THUMB).mean(axis=(3, 5)).reshape(n, -1)]
    a = x
    for w in ws:
        a = np.maximum(conv_s2(a, w), 0)
        m = a.mean(axis=(2, 3))
        s = np.sqrt(((a - m[:, :, None, None]) ** 2).mean(axis=(2, 3)))
        parts += [m, s]
    return np.concatenate(parts, axis=1)


def inputs():
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64)
    ramp = (xx + yy) / (2 * (SIDE - 1)) * 2 - 1
    disc = np.where((xx - 31.5) ** 2 + (yy - 27.5) ** 2 <= 18.0 ** 2, 0.6, -1.0)
    checker = np.where(((xx // 4) + (yy // 4)) % 2 == 0, 1.0, -1.0)
    noise = np.random.default_rng(7).uniform(-1, 1, (SIDE, SIDE))
    low = np.full((SIDE, SIDE), -1.0)
    high = np.full((SIDE, SIDE), 1.0)
    return np.stack([ramp, disc, checker, noise, low, high])[:, None].astype(np.float32)


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    os.makedirs(ASSETS, exist_ok=True)
    os.makedirs(FIXTURES, exist_ok=True)
    ws = weights()
    model_path = os.path.join(ASSETS, 'model.onnx')
    with open(model_path, 'wb') as f:
        f.write(build_model(ws).SerializeToString())
    manifest_path = os.path.join(ASSETS, 'medsynth.json')
    with open(manifest_path, 'w', encoding='utf-8') as f:
        # Objects expanded, number arrays on one line: the layout Prettier gives this file, so formatting it is a no-op.
        text = json.dumps(MANIFEST, indent=2)
        text = re.sub(r'\[\s+([-0-9.,\s]+?)\s+\]', lambda m: '[' + ', '.join(v.strip() for v in m.group(1).split(',')) + ']', text)
        f.write(text + '\n')
    x = inputs()
    with open(os.path.join(FIXTURES, 'builtin_inputs.f32'), 'wb') as f:
        f.write(x.astype('<f4').tobytes())
    feats = forward(x, ws)
    ref = {
        'generatedBy': 'test/reference/embedder_builtin.py',
        'versions': {'numpy': np.__version__, 'onnx': onnx.__version__},
        'seed': SEED,
        'modelSha256': sha256(model_path),
        'manifestSha256': sha256(manifest_path),
        'inputs': {'file': 'builtin_inputs.f32', 'shape': list(x.shape), 'names': ['ramp', 'disc', 'checker', 'noise', 'low', 'high']},
        'dims': DIMS,
        'layout': {'thumbnail': [0, THUMB * THUMB], 'layers': CHANNELS},
        'parameters': int(sum(w.size for w in ws)),
        'features': [[float(f'{v:.9g}') for v in row] for row in feats],
    }
    with open(os.path.join(FIXTURES, 'builtin_reference.json'), 'w', encoding='utf-8') as f:
        json.dump(ref, f, indent=1)
        f.write('\n')
    print(f"{model_path}: {os.path.getsize(model_path)} bytes, sha256 {ref['modelSha256']}, {ref['parameters']} weights, {DIMS} features")


if __name__ == '__main__':
    main()
