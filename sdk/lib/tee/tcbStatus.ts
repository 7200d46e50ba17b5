/**
 * An attestation's TCB status, as `IAttestationVerifier.TcbStatus` numbers it (the values the DCAP verifier's
 * governance sets per TCB and the registry records at registration).
 */
export enum TcbStatus {
  Unknown,
  UpToDate,
  SWHardeningNeeded,
  ConfigurationNeeded,
  ConfigurationAndSWHardeningNeeded,
  OutOfDate,
  OutOfDateConfigurationNeeded,
  Revoked,
}
