// The encapsulated transfer syntaxes we know, and which decoder family handles each.

export type CodecFamily = 'rle' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'j2k' | 'htj2k';

export interface EncapsulatedSyntax {
  readonly name: string;
  readonly family: CodecFamily;
}

const SYNTAXES: ReadonlyMap<string, EncapsulatedSyntax> = new Map([
  ['1.2.840.10008.1.2.5', { name: 'RLE Lossless', family: 'rle' }],
  ['1.2.840.10008.1.2.4.50', { name: 'JPEG Baseline (Process 1)', family: 'jpeg' }],
  ['1.2.840.10008.1.2.4.51', { name: 'JPEG Extended (Process 2 & 4)', family: 'jpeg' }],
  ['1.2.840.10008.1.2.4.57', { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', family: 'jpeg-lossless' }],
  [
    '1.2.840.10008.1.2.4.70',
    { name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, SV1)', family: 'jpeg-lossless' },
  ],
  ['1.2.840.10008.1.2.4.80', { name: 'JPEG-LS Lossless', family: 'jpeg-ls' }],
  ['1.2.840.10008.1.2.4.81', { name: 'JPEG-LS Lossy (Near-Lossless)', family: 'jpeg-ls' }],
  ['1.2.840.10008.1.2.4.90', { name: 'JPEG 2000 Image Compression (Lossless Only)', family: 'j2k' }],
  ['1.2.840.10008.1.2.4.91', { name: 'JPEG 2000 Image Compression', family: 'j2k' }],
  ['1.2.840.10008.1.2.4.201', { name: 'High-Throughput JPEG 2000 (Lossless Only)', family: 'htj2k' }],
  ['1.2.840.10008.1.2.4.202', { name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', family: 'htj2k' }],
  ['1.2.840.10008.1.2.4.203', { name: 'High-Throughput JPEG 2000', family: 'htj2k' }],
]);

export function syntaxOf(transferSyntaxUid: string): EncapsulatedSyntax | undefined {
  return SYNTAXES.get(transferSyntaxUid.replace(/[\0 ]+$/, ''));
}
