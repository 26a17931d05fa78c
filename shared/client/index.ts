export { type ClientOptions, createClient, type FunctionClient } from "./client.ts";
export { FunctionCallError } from "./errors.ts";
