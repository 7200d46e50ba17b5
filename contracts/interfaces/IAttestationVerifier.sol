// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAttestationVerifier
/// @notice Checks a hardware attestation (an Intel DCAP quote, a statement by an off-chain attester, ...)
/// and returns what it proves. The `TeeRegistry` then checks what the report data binds, whether the
/// measurement is allowed and whether the TCB status is accepted.
interface IAttestationVerifier {
    /// @notice The TCB (trusted computing base) status of the platform, as Intel's TCB info names it. A verifier
    /// that cannot tell (no collateral) returns what governance or its attester recorded; `Unknown` if nothing.
    enum TcbStatus {
        Unknown,
        UpToDate,
        SWHardeningNeeded,
        ConfigurationNeeded,
        ConfigurationAndSWHardeningNeeded,
        OutOfDate,
        OutOfDateConfigurationNeeded,
        Revoked
    }

    /// @notice What a valid attestation proves.
    /// @param measurement The enclave image identity (e.g. MRENCLAVE, hash of MRTD+RTMRs, hash of PCRs).
    /// @param reportData The first 32 bytes of the enclave-chosen report data.
    /// @param debug Whether the enclave runs in debug mode (its memory is readable: never trusted).
    /// @param tcbStatus The platform's TCB status (see `TcbStatus`).
    /// @param tcbId What the TCB status was looked up by (e.g. a hash of FMSPC and TCB components); zero if none.
    struct Attestation {
        bytes32 measurement;
        bytes32 reportData;
        bool debug;
        TcbStatus tcbStatus;
        bytes32 tcbId;
    }

    /// @notice Verifies `attestation`, reverting with a named error when it is not valid.
    function verifyAttestation(bytes calldata attestation) external view returns (Attestation memory);
}
