// @keyroll/client: everything here runs wherever `fetch` does; file support is in "@keyroll/client/node".
export type { KeyEventName, KeyEvents, Listener } from "./events.js";
export { type KeyrollFetchOptions, keyrollFetch } from "./fetch.js";
export { envKey, type KeyProvider, StaticKeyProvider, staticKey } from "./provider.js";
export { type CheckOutcome, type RotatingKeyOptions, RotatingKeyProvider, rotatingKey } from "./rotating.js";
