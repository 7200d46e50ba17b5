// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";
import {ISignedAttesterVerifier} from "../interfaces/ISignedAttesterVerifier.sol";

/// @title SignedAttesterVerifier
/// @notice Checks an allow-listed attester's EIP-712 statement about an enclave (e.g. an AWS Nitro enclave whose
/// attestation document the attester verified off chain). See `ISignedAttesterVerifier` for the statement and bytes.
/// @dev Trust moves to the attester keys: each can attest any measurement. Keep the list short, run the attester in
/// an enclave of its own or several of them, and remove a key at once if it leaks.
contract SignedAttesterVerifier is ISignedAttesterVerifier, EIP712, Ownable2Step {
    /// @notice The EIP-712 type an attester signs.
    bytes32 public constant STATEMENT_TYPEHASH = keccak256(
        "AttesterStatement(bytes32 measurement,bytes32 reportData,bool debug,uint64 expiresAt)"
    );

    uint256 private constant _LENGTH = 32 + 32 + 1 + 8 + 65;

    mapping(address attester => bool) private _attesters;

    constructor(address owner_) EIP712("SignedAttesterVerifier", "1") Ownable(owner_) {}

    /// @inheritdoc ISignedAttesterVerifier
    function setAttester(address attester, bool allowed) external onlyOwner {
        if (attester == address(0)) revert SignedAttesterZeroAddress();
        emit AttesterSet(attester, _attesters[attester], allowed);
        _attesters[attester] = allowed;
    }

    /// @inheritdoc ISignedAttesterVerifier
    function isAttester(address attester) external view returns (bool) {
        return _attesters[attester];
    }

    /// @inheritdoc IAttestationVerifier
    function verifyAttestation(bytes calldata attestation) external view returns (Attestation memory result) {
        if (attestation.length != _LENGTH || uint8(attestation[64]) > 1) {
            revert SignedAttesterMalformed(attestation.length);
        }
        result.measurement = bytes32(attestation[0:32]);
        result.reportData = bytes32(attestation[32:64]);
        result.debug = attestation[64] != 0;
        uint64 expiresAt = uint64(bytes8(attestation[65:73]));
        if (expiresAt <= block.timestamp) revert SignedAttesterExpired(expiresAt, block.timestamp);

        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(STATEMENT_TYPEHASH, result.measurement, result.reportData, result.debug, expiresAt))
        );
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, attestation[73:138]);
        if (err != ECDSA.RecoverError.NoError || !_attesters[recovered]) revert SignedAttesterUnknownSigner(recovered);
        // Nitro has no TCB levels; the attester vouches that the platform's chain checked out.
        result.tcbStatus = TcbStatus.UpToDate;
    }
}
