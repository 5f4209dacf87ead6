// @keyroll/client: everything here runs wherever `fetch` does; files and the in-process verifier
// are in "@keyroll/client/node".
export type { VerifyAnswer, VerifyCode, VerifyRequest } from "./answer.js";
export type { KeyEventName, KeyEvents, Listener } from "./events.js";
export { type KeyrollFetchOptions, keyrollFetch } from "./fetch.js";
export {
  expressMiddleware,
  fastifyHook,
  honoMiddleware,
  type MiddlewareOptions,
  type VerifierLike,
} from "./middleware.js";
export { envKey, type KeyProvider, StaticKeyProvider, staticKey } from "./provider.js";
export { type CheckOutcome, type RotatingKeyOptions, RotatingKeyProvider, rotatingKey } from "./rotating.js";
