// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAttestationVerifier} from "./IAttestationVerifier.sol";

/// @title ISignedAttesterVerifier
/// @notice An `IAttestationVerifier` for attestations whose certificate chain is too costly to check on chain (AWS
/// Nitro: a COSE_Sign1 document under a P-384 chain). An allow-listed off-chain attester checks the attestation and
/// signs an EIP-712 statement (domain: this chain and contract); the chain checks that signature.
/// Statement: `AttesterStatement(bytes32 measurement,bytes32 reportData,bool debug,uint64 expiresAt)` where, for Nitro,
/// measurement = keccak256(PCR0 ‖ PCR1 ‖ PCR2) and reportData = the document's user_data, which the enclave sets to
/// `TeeRegistry.enclaveBinding(enclaveKey, operator, bindingBlock)` (binding its key, operator, the chain, the
/// registry and a recent block hash).
/// Attestation bytes: measurement (32) ‖ reportData (32) ‖ debug (1: 0 or 1) ‖ expiresAt (8, big-endian) ‖
/// signature (65).
interface ISignedAttesterVerifier is IAttestationVerifier {
    /// @notice The attestation does not have the fixed length of this format, or its debug byte is not 0 or 1.
    error SignedAttesterMalformed(uint256 length);
    /// @notice The statement's expiry has passed.
    error SignedAttesterExpired(uint64 expiresAt, uint256 timestamp);
    /// @notice The statement is not signed by an allow-listed attester (`recovered` is who signed it, if anyone).
    error SignedAttesterUnknownSigner(address recovered);
    /// @notice The zero address was given as an attester.
    error SignedAttesterZeroAddress();

    /// @notice The owner added or removed an attester key.
    event AttesterSet(address indexed attester, bool oldAllowed, bool newAllowed);

    /// @notice Adds or removes an attester key; only the owner.
    function setAttester(address attester, bool allowed) external;

    /// @notice Whether `attester` is on the allow-list.
    function isAttester(address attester) external view returns (bool);
}
