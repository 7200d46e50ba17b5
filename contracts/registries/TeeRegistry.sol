// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";
import {ITeeRegistry} from "../interfaces/ITeeRegistry.sol";

/// @title TeeRegistry
/// @notice Enclave keys of the TEE tier, each registered once with a hardware attestation.
contract TeeRegistry is ITeeRegistry, AccessControl {
    /// @notice The role that keeps the measurement and attestation-verifier allow-lists.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    /// @notice How long an attestation stays valid before the enclave must re-attest.
    uint64 public maxAttestationAge;

    mapping(address enclaveKey => Enclave) private _enclaves;
    mapping(bytes32 modelId => mapping(bytes32 measurement => bool)) private _allowedMeasurements;
    mapping(address verifier => bool) private _attestationVerifiers;

    constructor(address admin, uint64 maxAttestationAge_) {
        if (admin == address(0)) revert TeeRegistryZeroAddress();
        if (maxAttestationAge_ == 0) revert TeeRegistryZeroMaxAge();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        maxAttestationAge = maxAttestationAge_;
        emit MaxAttestationAgeUpdated(0, maxAttestationAge_);
    }

    /// @inheritdoc ITeeRegistry
    function allowMeasurement(bytes32 modelId, bytes32 measurement) external onlyRole(GOVERNOR_ROLE) {
        _allowedMeasurements[modelId][measurement] = true;
        emit MeasurementAllowed(modelId, measurement);
    }

    /// @inheritdoc ITeeRegistry
    function revokeMeasurement(bytes32 modelId, bytes32 measurement) external onlyRole(GOVERNOR_ROLE) {
        _allowedMeasurements[modelId][measurement] = false;
        emit MeasurementRevoked(modelId, measurement);
    }

    /// @inheritdoc ITeeRegistry
    function setAttestationVerifier(address verifier, bool allowed) external onlyRole(GOVERNOR_ROLE) {
        if (verifier == address(0)) revert TeeRegistryZeroAddress();
        emit AttestationVerifierSet(verifier, _attestationVerifiers[verifier], allowed);
        _attestationVerifiers[verifier] = allowed;
    }

    /// @inheritdoc ITeeRegistry
    function setMaxAttestationAge(uint64 newMaxAge) external onlyRole(GOVERNOR_ROLE) {
        if (newMaxAge == 0) revert TeeRegistryZeroMaxAge();
        emit MaxAttestationAgeUpdated(maxAttestationAge, newMaxAge);
        maxAttestationAge = newMaxAge;
    }

    /// @inheritdoc ITeeRegistry
    function registerEnclave(
        bytes32 modelId,
        address enclaveKey,
        address verifier,
        bytes calldata attestation,
        uint256 bindingBlock
    ) external {
        if (enclaveKey == address(0)) revert TeeRegistryZeroAddress();
        Enclave storage enclave = _enclaves[enclaveKey];
        if (enclave.revoked) revert TeeRegistryEnclaveRevoked(enclaveKey);
        if (enclave.operator != address(0)) revert TeeRegistryEnclaveExists(enclaveKey);

        bytes32 measurement = _attest(modelId, enclaveKey, verifier, attestation, bindingBlock);
        uint64 expiresAt = uint64(block.timestamp) + maxAttestationAge;
        _enclaves[enclaveKey] = Enclave({
            operator: msg.sender,
            registeredAt: uint64(block.timestamp),
            expiresAt: expiresAt,
            revoked: false,
            modelId: modelId,
            measurement: measurement
        });
        emit EnclaveRegistered(enclaveKey, msg.sender, modelId, measurement, expiresAt);
    }

    /// @inheritdoc ITeeRegistry
    function reattest(address enclaveKey, address verifier, bytes calldata attestation, uint256 bindingBlock) external {
        Enclave storage enclave = _enclaves[enclaveKey];
        if (enclave.operator == address(0)) revert TeeRegistryUnknownEnclave(enclaveKey);
        if (enclave.operator != msg.sender) revert TeeRegistryNotOperator(enclaveKey, msg.sender);
        if (enclave.revoked) revert TeeRegistryEnclaveRevoked(enclaveKey);

        bytes32 newMeasurement = _attest(enclave.modelId, enclaveKey, verifier, attestation, bindingBlock);
        uint64 newExpiresAt = uint64(block.timestamp) + maxAttestationAge;
        emit EnclaveReattested(enclaveKey, enclave.measurement, newMeasurement, enclave.expiresAt, newExpiresAt);
        enclave.measurement = newMeasurement;
        enclave.expiresAt = newExpiresAt;
    }

    /// @inheritdoc ITeeRegistry
    function revokeEnclave(address enclaveKey) external {
        Enclave storage enclave = _enclaves[enclaveKey];
        if (enclave.operator == address(0)) revert TeeRegistryUnknownEnclave(enclaveKey);
        if (msg.sender != enclave.operator && !hasRole(GOVERNOR_ROLE, msg.sender)) {
            revert TeeRegistryNotOperator(enclaveKey, msg.sender);
        }
        if (enclave.revoked) revert TeeRegistryEnclaveRevoked(enclaveKey);
        enclave.revoked = true;
        emit EnclaveRevoked(enclaveKey, msg.sender);
    }

    /// @inheritdoc ITeeRegistry
    function enclaveBinding(address enclaveKey, address operator, uint256 bindingBlock) public view returns (bytes32) {
        return keccak256(abi.encode(enclaveKey, operator, block.chainid, address(this), blockhash(bindingBlock)));
    }

    /// @inheritdoc ITeeRegistry
    function enclaveStatus(
        address enclaveKey,
        bytes32 modelId
    ) external view returns (address operator, EnclaveStatus status) {
        Enclave storage enclave = _enclaves[enclaveKey];
        operator = enclave.operator;
        if (operator == address(0)) return (operator, EnclaveStatus.None);
        if (enclave.revoked) return (operator, EnclaveStatus.Revoked);
        if (enclave.modelId != modelId) return (operator, EnclaveStatus.WrongModel);
        if (block.timestamp >= enclave.expiresAt) return (operator, EnclaveStatus.Expired);
        if (!_allowedMeasurements[modelId][enclave.measurement]) return (operator, EnclaveStatus.MeasurementRevoked);
        return (operator, EnclaveStatus.Active);
    }

    /// @inheritdoc ITeeRegistry
    function getEnclave(address enclaveKey) external view returns (Enclave memory) {
        return _enclaves[enclaveKey];
    }

    /// @inheritdoc ITeeRegistry
    function isMeasurementAllowed(bytes32 modelId, bytes32 measurement) external view returns (bool) {
        return _allowedMeasurements[modelId][measurement];
    }

    /// @dev Verifies an attestation for `enclaveKey`, operated by the caller, and returns its measurement, which must
    /// be allowed for the model. Binding the caller means a registration copied from the mempool fails for anyone
    /// else.
    function _attest(
        bytes32 modelId,
        address enclaveKey,
        address verifier,
        bytes calldata attestation,
        uint256 bindingBlock
    ) private view returns (bytes32) {
        if (!_attestationVerifiers[verifier]) revert TeeRegistryUnknownAttestationVerifier(verifier);
        // blockhash is only available for the last 256 blocks, and a fresh block proves the quote is recent.
        if (bindingBlock >= block.number || block.number - bindingBlock > 256) {
            revert TeeRegistryStaleBindingBlock(bindingBlock, block.number);
        }
        IAttestationVerifier.Attestation memory result = IAttestationVerifier(verifier).verifyAttestation(attestation);
        bytes32 expected = enclaveBinding(enclaveKey, msg.sender, bindingBlock);
        if (result.reportData != expected) revert TeeRegistryReportDataMismatch(expected, result.reportData);
        if (result.debug) revert TeeRegistryDebugEnclave(result.measurement);
        if (!_allowedMeasurements[modelId][result.measurement]) {
            revert TeeRegistryMeasurementNotAllowed(modelId, result.measurement);
        }
        return result.measurement;
    }
}
