/** The CLI's version, kept in step with package.json by the build (and read from it in development). */
export const version = "0.1.0";
