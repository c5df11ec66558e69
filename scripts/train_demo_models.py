#!/usr/bin/python3
"""Trains and exports MedSynth's two demo image generators (samples/generators/brain-cvae, brain-ddpm) from
public brain MRI slices that Debian packages ship, and scores them with the built-in embedder.

Not a reference script (it computes no expected value for a test) and not in scripts/check_references.py:
training takes minutes. Needs Debian's python3-torch 1.13 (CPU), python3-nibabel, python3-dipy,
python3-skimage, python3-scipy, python3-onnx, python3-pil; run with /usr/bin/python3.

  data  OUT.nii.gz            the training slices as one NIfTI (32 x 32 x N, float32, cal 0..1000) + OUT.json
  cvae  [--steps S] [--out D] trains the conditional VAE, writes samples/generators/brain-cvae/model.onnx
  ddpm  [--steps S] [--out D] trains the DDPM denoiser, writes samples/generators/brain-ddpm/model.onnx
  fid   NAME=DIR_OR_NPY ...   FID of each set of samples (a folder of MedSynth .npy outputs or one .npy)
                              against the training slices, with the built-in embedder's numpy forward pass
  preview NAME DIR            samples/generators/NAME/preview.png: real slices (top rows) beside samples

Data: three public axial brain MRI volumes (see SOURCES), reoriented to RAS, cut to a 200 mm square field of
view around the volume centre, shrunk to 32 x 32 (skimage resize, anti-aliased), scaled per volume so that
its 99.5th percentile is 1000 ("normalised MR signal", arbitrary units), and mapped to [-1, 1] by the fixed
window [0, 1000] (clipped). Every slice is kept with its left-right mirror image (augmentation; brains are
roughly symmetric). Training adds random shifts of up to 1 pixel (padded with background).
Slice position class per volume: the lower, middle and upper third of its slices are inferior, middle and
superior; S0_10slices (10 contiguous slices at the level of the lateral ventricles) is all middle.

Determinism: fixed seeds, torch.set_num_threads(1), torch.use_deterministic_algorithms(True); on the same
torch 1.13 CPU build a rerun writes the same ONNX bytes (checked for the VAE; see the READMEs).
"""
import argparse
import hashlib
import json
import math
import os
import sys
import time

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN_DIR = os.path.join(ROOT, 'samples', 'generators')
SIDE = 32
FOV_MM = 200.0
CLASSES = ['inferior', 'middle', 'superior']
WINDOW = (0.0, 1000.0)

NIBABEL_DATA = '/usr/lib/python3/dist-packages/nibabel/tests/data'
DIPY_DATA = '/usr/lib/python3/dist-packages/dipy/data/files'
SOURCES = [
    # path, Debian package, volumes used (4th index), position classes ('thirds' or a fixed class)
    {'path': f'{NIBABEL_DATA}/example4d.nii.gz', 'package': 'python3-nibabel', 'volumes': [0, 1], 'classes': 'thirds',
     'what': 'EPI (fMRI) brain volume, 128x96x24 at 2x2x2.2 mm, two time points', 'license': 'MIT (Expat), /usr/share/doc/python3-nibabel/copyright "Files: *"'},
    {'path': f'{DIPY_DATA}/aniso_vox.nii.gz', 'package': 'python3-dipy', 'volumes': [None], 'classes': 'thirds',
     'what': 'diffusion MRI b0 brain volume, 58x58x24 at 4x4x5 mm (dipy get_fnames("aniso_vox"))', 'license': 'BSD-3-Clause, /usr/share/doc/python3-dipy/copyright "Files: *"'},
    {'path': f'{DIPY_DATA}/S0_10slices.nii.gz', 'package': 'python3-dipy', 'volumes': [0], 'classes': 'middle',
     'what': 'diffusion MRI S0 image, 128x128x10 at 2x2 mm in plane (dipy get_fnames("S0_10"))', 'license': 'BSD-3-Clause, /usr/share/doc/python3-dipy/copyright "Files: *"'},
]


def sha256_file(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def package_version(pkg):
    import subprocess
    return subprocess.run(['dpkg-query', '-W', '-f=${Version}', pkg], capture_output=True, text=True).stdout.strip()


def volume_slices(src):
    """The source's axial slices as 32 x 32 float32 in window units (0..1000, not yet clipped), with classes."""
    from skimage.transform import resize
    img = nib.as_closest_canonical(nib.load(src['path']))
    zooms = img.header.get_zooms()[:2]
    data = np.asarray(img.dataobj, dtype=np.float64)
    out, classes = [], []
    for v in src['volumes']:
        vol = data if v is None else data[..., v]
        vol = vol * (WINDOW[1] / np.percentile(vol, 99.5))
        nz = vol.shape[2]
        for z in range(nz):
            s = vol[:, :, z].T[::-1, :]  # rows: anterior (top) to posterior; columns: x (RAS) ascending
            rows, cols = (int(round(FOV_MM / zooms[1])), int(round(FOV_MM / zooms[0])))
            sq = np.zeros((rows, cols))
            r0, c0 = (rows - s.shape[0]) // 2, (cols - s.shape[1]) // 2
            src_r, dst_r = (slice(-r0, -r0 + rows), slice(0, rows)) if r0 < 0 else (slice(0, s.shape[0]), slice(r0, r0 + s.shape[0]))
            src_c, dst_c = (slice(-c0, -c0 + cols), slice(0, cols)) if c0 < 0 else (slice(0, s.shape[1]), slice(c0, c0 + s.shape[1]))
            sq[dst_r, dst_c] = s[src_r, src_c]
            out.append(resize(sq, (SIDE, SIDE), order=1, mode='edge', anti_aliasing=True, preserve_range=True))
            classes.append(min(2, (3 * z) // nz) if src['classes'] == 'thirds' else CLASSES.index(src['classes']))
    return out, classes


def training_set():
    """(images [N, 1, 32, 32] float32 in [-1, 1], classes [N] int64, provenance list)."""
    images, classes, prov = [], [], []
    for src in SOURCES:
        sl, cl = volume_slices(src)
        images += sl
        classes += cl
        prov.append({'path': src['path'], 'package': src['package'], 'version': package_version(src['package']),
                     'sha256': sha256_file(src['path']), 'what': src['what'], 'license': src['license'],
                     'volumes': src['volumes'], 'slices': len(sl)})
    x = np.stack(images)
    x = np.clip((x - WINDOW[0]) / (WINDOW[1] - WINDOW[0]) * 2 - 1, -1, 1)
    c = np.asarray(classes, dtype=np.int64)
    x = np.concatenate([x, x[:, :, ::-1]])  # left-right mirror images
    c = np.concatenate([c, c])
    return x[:, None].astype(np.float32), c, prov


def training_sha256(x):
    return hashlib.sha256(np.ascontiguousarray(x, dtype='<f4').tobytes()).hexdigest()


def cmd_data(args):
    x, c, prov = training_set()
    units = ((x[:, 0] + 1) / 2 * (WINDOW[1] - WINDOW[0]) + WINDOW[0]).astype(np.float32)
    # NIfTI i (fastest) = column, j = row, k = slice: MedSynth reads frame k as units[k].
    arr = np.ascontiguousarray(units.transpose(2, 1, 0))
    img = nib.Nifti1Image(arr, np.diag([FOV_MM / SIDE, FOV_MM / SIDE, 1.0, 1.0]))
    img.header['cal_min'], img.header['cal_max'] = WINDOW
    nib.save(img, args.out)
    with open(os.path.splitext(args.out.removesuffix('.gz'))[0] + '.json', 'w') as f:
        json.dump({'count': int(len(x)), 'classCounts': np.bincount(c, minlength=3).tolist(), 'classes': CLASSES,
                   'sha256_f32': training_sha256(x), 'sources': prov}, f, indent=2)
    print(f'{len(x)} slices, classes {np.bincount(c, minlength=3).tolist()}, sha256 {training_sha256(x)}')


# ---------------------------------------------------------------- torch models

def torch_setup(seed, threads=1):
    import torch
    # One thread: on a shared 2-core machine a second OpenMP thread spin-waits for a busy core and
    # makes each step several times slower. Denormals flushed: tiny EMA/Adam values otherwise slow CPUs.
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)
    return torch


def augment(torch, x, gen):
    """Random integer shifts of up to 1 pixel, padded with background (-1)."""
    n = x.shape[0]
    padded = torch.nn.functional.pad(x, (1, 1, 1, 1), value=-1.0)
    dy = torch.randint(0, 3, (n,), generator=gen)
    dx = torch.randint(0, 3, (n,), generator=gen)
    return torch.stack([padded[i, :, dy[i]:dy[i] + SIDE, dx[i]:dx[i] + SIDE] for i in range(n)])


def build_cvae(torch, latent=16, k=3):
    nn = torch.nn

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Sequential(
                nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2),    # 16
                nn.Conv2d(32, 64, 4, 2, 1), nn.LeakyReLU(0.2),   # 8
                nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),  # 4
                nn.Flatten())
            self.fc = nn.Linear(128 * 16 + k, 2 * latent)

        def forward(self, x, y):
            h = self.fc(torch.cat([self.conv(x), y], 1))
            return h[:, :latent], h[:, latent:]

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Sequential(nn.Linear(latent + k, 128 * 16), nn.LeakyReLU(0.2))
            self.deconv = nn.Sequential(
                nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.LeakyReLU(0.2),  # 8
                nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.LeakyReLU(0.2),   # 16
                nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.LeakyReLU(0.2),   # 32
                nn.Conv2d(16, 1, 3, 1, 1), nn.Tanh())

        def forward(self, z, y):
            return self.deconv(self.fc(torch.cat([z, y], 1)).view(-1, 128, 4, 4))

    return Encoder(), Decoder()


def cmd_cvae(args):
    torch = torch_setup(20240611)
    latent, k = 16, 3
    x_np, c_np, _ = training_set()
    x = torch.from_numpy(x_np)
    y = torch.nn.functional.one_hot(torch.from_numpy(c_np), k).float()
    enc, dec = build_cvae(torch, latent, k)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    steps, batch, t0 = args.steps, 32, time.time()
    for step in range(steps):
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        xb, yb = augment(torch, x[idx], gen), y[idx]
        mu, logvar = enc(xb, yb)
        z = mu + torch.randn(mu.shape, generator=gen) * torch.exp(0.5 * logvar)
        rec = dec(z, yb)
        # Gaussian likelihood with sigma 0.1 on [-1, 1] pixels (sum over pixels), KL to N(0, I); KL warm-up.
        nll = ((rec - xb) ** 2).sum((1, 2, 3)).mean() / (2 * 0.1 ** 2)
        kl = (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)).mean()
        loss = nll + min(1.0, step / (steps * 0.3)) * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 500 == 0 or step == steps - 1:
            print(f'step {step} nll {nll.item():.1f} kl {kl.item():.1f} ({time.time() - t0:.0f} s)', flush=True)
    print(f'trained {steps} steps in {time.time() - t0:.1f} s; decoder weights {sum(p.numel() for p in dec.parameters())}')
    dec.eval()
    out_dir = args.out
    os.makedirs(out_dir, exist_ok=True)
    torch.onnx.export(dec, (torch.zeros(2, latent), torch.zeros(2, k)), os.path.join(out_dir, 'model.onnx'),
                      input_names=['z', 'y'], output_names=['image'], opset_version=13,
                      dynamic_axes={'z': {0: 'N'}, 'y': {0: 'N'}, 'image': {0: 'N'}})
    check_onnx(os.path.join(out_dir, 'model.onnx'))


class DDPMNet:
    """A small U-Net predicting epsilon: 32 -> 16 -> 8 with residual blocks and a sinusoidal time embedding."""

    @staticmethod
    def build(torch, base=16, temb=64):
        nn = torch.nn
        F = torch.nn.functional

        def gn(ch):
            return nn.GroupNorm(4, ch)

        class Res(nn.Module):
            def __init__(self, cin, cout):
                super().__init__()
                self.n1, self.c1 = gn(cin), nn.Conv2d(cin, cout, 3, 1, 1)
                self.t = nn.Linear(temb, cout)
                self.n2, self.c2 = gn(cout), nn.Conv2d(cout, cout, 3, 1, 1)
                self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

            def forward(self, x, e):
                h = self.c1(F.silu(self.n1(x))) + self.t(e)[:, :, None, None]
                h = self.c2(F.silu(self.n2(h)))
                return h + self.skip(x)

        class UNet(nn.Module):
            def __init__(self):
                super().__init__()
                c1, c2, c3 = base, base * 2, base * 4
                self.temb = nn.Sequential(nn.Linear(temb, temb), nn.SiLU(), nn.Linear(temb, temb))
                self.inc = nn.Conv2d(1, c1, 3, 1, 1)
                self.d1 = Res(c1, c1)
                self.down1 = nn.Conv2d(c1, c2, 3, 2, 1)   # 16
                self.d2 = Res(c2, c2)
                self.down2 = nn.Conv2d(c2, c3, 3, 2, 1)   # 8
                self.mid1 = Res(c3, c3)
                self.mid2 = Res(c3, c3)
                self.up2 = nn.Conv2d(c3, c2, 3, 1, 1)
                self.u2 = Res(c2 * 2, c2)
                self.up1 = nn.Conv2d(c2, c1, 3, 1, 1)
                self.u1 = Res(c1 * 2, c1)
                self.out = nn.Sequential(gn(c1), nn.SiLU(), nn.Conv2d(c1, 1, 3, 1, 1))

            def embed(self, t):
                half = temb // 2
                freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
                a = t.float()[:, None] * freqs[None, :]
                return self.temb(torch.cat([torch.sin(a), torch.cos(a)], 1))

            def forward(self, x, t):
                e = self.embed(t)
                h1 = self.d1(self.inc(x), e)
                h2 = self.d2(self.down1(h1), e)
                m = self.mid2(self.mid1(self.down2(h2), e), e)
                u2 = self.u2(torch.cat([self.up2(F.interpolate(m, scale_factor=2.0, mode='nearest')), h2], 1), e)
                u1 = self.u1(torch.cat([self.up1(F.interpolate(u2, scale_factor=2.0, mode='nearest')), h1], 1), e)
                return self.out(u1)

        return UNet()


def cmd_ddpm(args):
    import copy
    torch = torch_setup(20240612)
    x = torch.from_numpy(training_set()[0])
    net = DDPMNet.build(torch)
    ema = copy.deepcopy(net)
    for p in ema.parameters():
        p.requires_grad_(False)
    print(f'denoiser weights {sum(p.numel() for p in net.parameters())}', flush=True)
    T = 1000
    betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float64)
    abar = torch.cumprod(1 - betas, 0).float()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(2)
    steps, batch, t0 = args.steps, 32, time.time()
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 200) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * s / steps))))
    for step in range(steps):
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        x0 = augment(torch, x[idx], gen)
        t = torch.randint(0, T, (batch,), generator=gen)
        eps = torch.randn(x0.shape, generator=gen)
        a = abar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        loss = ((net(xt, t) - eps) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        with torch.no_grad():
            decay = min(0.999, (1 + step) / (10 + step))
            for pe, p in zip(ema.parameters(), net.parameters()):
                pe.mul_(decay).add_(p, alpha=1 - decay)
        if step % 500 == 0 or step == steps - 1:
            print(f'step {step} loss {loss.item():.4f} ({time.time() - t0:.0f} s)', flush=True)
    print(f'trained {steps} steps in {time.time() - t0:.1f} s')
    ema.eval()
    out_dir = args.out
    os.makedirs(out_dir, exist_ok=True)
    torch.onnx.export(ema, (torch.zeros(2, 1, SIDE, SIDE), torch.zeros(2)), os.path.join(out_dir, 'model.onnx'),
                      input_names=['x_t', 't'], output_names=['epsilon'], opset_version=13,
                      dynamic_axes={'x_t': {0: 'N'}, 't': {0: 'N'}, 'epsilon': {0: 'N'}})
    check_onnx(os.path.join(out_dir, 'model.onnx'))


def check_onnx(path):
    import onnx
    model = onnx.load(path)
    onnx.checker.check_model(model)
    print(f'{path}: {os.path.getsize(path)} bytes, sha256 {sha256_file(path)}')


# ---------------------------------------------------------------- evaluation

def load_samples(path):
    """MedSynth .npy outputs (modality units) -> [N, 32, 32] in [-1, 1] by the window."""
    if os.path.isdir(path):
        files = sorted(f for f in os.listdir(path) if f.endswith('.npy'))
        arr = np.stack([np.load(os.path.join(path, f)).astype(np.float64).reshape(SIDE, SIDE) for f in files])
    else:
        arr = np.load(path).astype(np.float64).reshape(-1, SIDE, SIDE)
    return np.clip((arr - WINDOW[0]) / (WINDOW[1] - WINDOW[0]) * 2 - 1, -1, 1)


def embed(images):
    """Built-in embedder features (test/reference/embedder_builtin.py's numpy forward) of [N, 32, 32] in [-1, 1],
    resized to 64 x 64 as MedSynth's embedder input does (bilinear, edge, no anti-aliasing)."""
    import importlib.util
    from skimage.transform import resize
    spec = importlib.util.spec_from_file_location('embedder_builtin', os.path.join(ROOT, 'test', 'reference', 'embedder_builtin.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    big = np.stack([resize(im, (64, 64), order=1, mode='edge', anti_aliasing=False, preserve_range=True) for im in images])
    ws = mod.weights()
    return np.concatenate([mod.forward(big[i:i + 64, None].astype(np.float32), ws) for i in range(0, len(big), 64)])


def fid(a, b):
    import scipy.linalg
    mu1, mu2 = a.mean(axis=0), b.mean(axis=0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))


def cmd_fid(args):
    real = training_set()[0][:, 0].astype(np.float64)
    fr = embed(real)
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(real))
    half = len(real) // 2
    print(f'real: {len(real)} slices; FID(real half A, real half B) = {fid(fr[perm[:half]], fr[perm[half:]]):.2f}')
    for item in args.sets:
        name, path = item.split('=', 1)
        s = load_samples(path)
        print(f'{name}: {len(s)} samples, FID vs real = {fid(fr, embed(s)):.2f}, mean {s.mean():+.3f} (real {real.mean():+.3f})')


def cmd_preview(args):
    from PIL import Image
    real, classes, _ = training_set()
    n = len(real) // 2
    pick = np.linspace(0, n - 1, 16).round().astype(int)
    s = load_samples(args.dir)[:16]

    def grid(ims):
        ims = [(np.clip((im + 1) / 2, 0, 1) * 255).astype(np.uint8) for im in ims]
        rows = [np.concatenate(ims[r * 8:(r + 1) * 8], 1) for r in range(len(ims) // 8)]
        return np.concatenate(rows, 0)

    top, bottom = grid(real[pick, 0]), grid(s)
    gap = np.full((4, top.shape[1]), 128, np.uint8)
    out = np.concatenate([top, gap, bottom], 0)
    Image.fromarray(out).resize((out.shape[1] * 2, out.shape[0] * 2), Image.NEAREST).save(
        os.path.join(GEN_DIR, args.name, 'preview.png'), optimize=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    d = sub.add_parser('data')
    d.add_argument('out')
    for name, steps in (('cvae', 4000), ('ddpm', 4000)):
        q = sub.add_parser(name)
        q.add_argument('--steps', type=int, default=steps)
        q.add_argument('--out', default=os.path.join(GEN_DIR, f'brain-{name}'), help='folder for model.onnx')
    f = sub.add_parser('fid')
    f.add_argument('sets', nargs='+')
    v = sub.add_parser('preview')
    v.add_argument('name')
    v.add_argument('dir')
    args = p.parse_args()
    {'data': cmd_data, 'cvae': cmd_cvae, 'ddpm': cmd_ddpm, 'fid': cmd_fid, 'preview': cmd_preview}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
