/**
 * Okta simulator: public API. See `simulator.ts` for the contract and ARCHITECTURE.md (okta-sim/).
 */
export { startOktaSimulator } from './simulator';
export type { OktaSimulator, OktaSimulatorOptions, RateLimitControl } from './simulator';
export { runOktaSimForeground } from './foreground';
export type { ForegroundOptions, OktaSimForeground } from './foreground';
export type { FaultAction, FaultHandle, FaultRule, FaultInjector } from './faults/injector';
export type { RecordedRequest, RequestFilter, RequestRecorder } from './recorder';
export type { SimGroup, SimStore, SimUser } from './store-access';
export type { SeedData } from './seed-data';
export { loadSeedFile } from './seed-data';
export type { SeedGroupInput } from './store/groups';
export type { SeedUserInput } from './store/users';
export type { CustomAttributeInput, SchemaAttribute } from './store/user-schema';
export type { BucketName } from './rate-limit/buckets';
export { BUCKETS, WORKFORCE_LIMITS } from './rate-limit/buckets';
export type { RateLimitState } from './rate-limit/limiter';
export type { LoginFormat } from './store/profile-rules';
export type { GroupType, UserStatus, ProviderType, Profile } from './types';
