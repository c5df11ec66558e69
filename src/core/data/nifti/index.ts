// NIfTI-1/NIfTI-2 (.nii, .nii.gz, .hdr/.img pairs) into an ImageSet.
export { isNifti, readNifti } from './niftiReader';
export type { NiftiHeader } from './niftiHeader';
export { parseNiftiHeader } from './niftiHeader';
