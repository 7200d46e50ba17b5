// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAttestationVerifier
/// @notice Checks a hardware attestation (an Intel DCAP quote, a statement by an off-chain attester, ...)
/// and returns what it proves. The `TeeRegistry` then checks what the report data binds and whether the
/// measurement is allowed.
interface IAttestationVerifier {
    /// @notice What a valid attestation proves.
    /// @param measurement The enclave image identity (e.g. MRENCLAVE, hash of MRTD+RTMRs, hash of PCRs).
    /// @param reportData The first 32 bytes of the enclave-chosen report data.
    /// @param debug Whether the enclave runs in debug mode (its memory is readable: never trusted).
    struct Attestation {
        bytes32 measurement;
        bytes32 reportData;
        bool debug;
    }

    /// @notice Verifies `attestation`, reverting with a named error when it is not valid.
    function verifyAttestation(bytes calldata attestation) external view returns (Attestation memory);
}
