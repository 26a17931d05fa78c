export { type DirectoryEntry, joinPath, parentPath, type ProjectFileSystem } from "./file-system.ts";
export { type ProjectConfig, type ProjectOverrides, type ProjectResult, resolveProject, type TargetConfig } from "./config.ts";
export { type Listing, readListing } from "./listing.ts";
