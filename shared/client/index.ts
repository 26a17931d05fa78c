export { type ClientOptions, createClient, type EventHandler, type FunctionClient } from "./client.ts";
export { applyAll, type ApplyAllOptions, type ApplyAllResult } from "./apply-all.ts";
export { createEngineClient } from "./engine-client.ts";
export { describeRefusal } from "./describe.ts";
export { FunctionCallError, STREAM_ENDED_MESSAGE } from "./errors.ts";
export { defaultRetry, type RetryPolicy } from "./network.ts";
export { isRegionName } from "./region.ts";
export { firstOfEachWarning } from "./warnings.ts";
