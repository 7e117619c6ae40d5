/**
 * files/: reading files someone else wrote — regular files only, up to MAX_FILE_BYTES (MAX_MANIFEST_FILE_BYTES under --apps), with
 * errors that name the file and say what to do.
 */
export {
  describeFileError,
  fileTooLarge,
  isNotFoundError,
  MAX_FILE_BYTES,
  MAX_MANIFEST_FILE_BYTES,
  readRegularFile,
  readRegularTextFile,
} from "./read-regular-file.js";
export type { ReadFileOptions } from "./read-regular-file.js";
