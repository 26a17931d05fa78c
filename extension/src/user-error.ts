/** An error whose message is for the user as is (no stack, no "internal error"); an empty message shows nothing. */
export class UserError extends Error {}
