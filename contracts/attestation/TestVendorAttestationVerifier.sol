// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";

/// @title TestVendorAttestationVerifier
/// @notice An attestation adapter for local and test networks: a test "hardware vendor" key signs an EIP-712
/// statement (measurement, report data, debug flag), standing in for the vendor's certificate chain. The report
/// data binds the enclave key, chain id, registry and a block hash (see `TeeRegistry.enclaveBinding`).
/// @dev Never allow this adapter on a public network: whoever holds the vendor key can attest anything.
/// Attestation bytes: abi.encodePacked(bytes32 measurement, bytes32 reportData, bool debug, bytes signature[65]).
contract TestVendorAttestationVerifier is IAttestationVerifier, EIP712 {
    /// @notice The EIP-712 type the vendor key signs.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(bytes32 measurement,bytes32 reportData,bool debug)"
    );

    uint256 private constant _ATTESTATION_LENGTH = 32 + 32 + 1 + 65;

    /// @notice The key of the test vendor.
    address public immutable vendor;

    /// @notice The attestation does not have the fixed length of this format.
    error TestAttestationMalformed(uint256 length);
    /// @notice The attestation is not signed by the vendor key.
    error TestAttestationInvalidSignature(address recovered);
    /// @notice The vendor key is the zero address.
    error TestAttestationZeroVendor();

    constructor(address vendor_) EIP712("TestVendorAttestation", "1") {
        if (vendor_ == address(0)) revert TestAttestationZeroVendor();
        vendor = vendor_;
    }

    /// @inheritdoc IAttestationVerifier
    function verifyAttestation(bytes calldata attestation) external view returns (Attestation memory result) {
        if (attestation.length != _ATTESTATION_LENGTH) revert TestAttestationMalformed(attestation.length);
        result.measurement = bytes32(attestation[0:32]);
        result.reportData = bytes32(attestation[32:64]);
        result.debug = attestation[64] != 0;
        // The test vendor stands in for the hardware vendor and its TCB collateral: it vouches for an up-to-date TCB.
        result.tcbStatus = TcbStatus.UpToDate;
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(ATTESTATION_TYPEHASH, result.measurement, result.reportData, result.debug))
        );
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, attestation[65:130]);
        if (err != ECDSA.RecoverError.NoError || recovered != vendor) revert TestAttestationInvalidSignature(recovered);
    }
}
