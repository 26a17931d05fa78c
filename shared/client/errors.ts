/** A failed call to the function, with the contract's error code and a message that says how to fix it. */
export class FunctionCallError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "FunctionCallError";
    this.status = status;
    this.code = code;
  }
}
