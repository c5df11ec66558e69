// PNG and JPEG images into an ImageSet.
export { readRaster } from './rasterReader';
export { isPng } from './pngChunks';
export { isJpeg } from './jpegReader';
