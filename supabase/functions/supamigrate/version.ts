/** The function's version, reported by `GET health`; a test keeps it equal to package.json's. */
export const FUNCTION_VERSION = "0.1.0";
