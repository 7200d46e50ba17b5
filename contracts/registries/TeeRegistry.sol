// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";
import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {ITeeRegistry} from "../interfaces/ITeeRegistry.sol";

/// @title TeeRegistry
/// @notice Enclave keys of the TEE tier, each registered once with a hardware attestation.
contract TeeRegistry is ITeeRegistry, AccessControl, EIP712 {
    /// @notice The role that keeps the measurement and attestation-verifier allow-lists.
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");
    /// @notice The EIP-712 type of a heartbeat, signed by the enclave key.
    bytes32 public constant HEARTBEAT_TYPEHASH = keccak256(
        "Heartbeat(address enclaveKey,uint256 blockNumber,bytes32 blockHash)"
    );

    /// @notice The emergency switch: while its registration scope is paused, `registerEnclave`, `reattest`,
    /// `allowMeasurement` and `setAttestationVerifier(_, true)` revert; revocations, heartbeats and the other
    /// governance settings go on.
    IPauseGuard public immutable pauseGuard;

    /// @notice How long an attestation stays valid before the enclave must re-attest.
    uint64 public maxAttestationAge;
    /// @notice How often an enclave must send a heartbeat; 0: never (the default).
    uint64 public maxHeartbeatInterval;
    /// @notice Accepted TCB statuses of new attestations, bit i for `TcbStatus(i)`; UpToDate and SWHardeningNeeded by
    /// default.
    uint16 public acceptedTcbStatuses;

    mapping(address enclaveKey => Enclave) private _enclaves;
    mapping(bytes32 modelId => mapping(bytes32 measurement => bool)) private _allowedMeasurements;
    mapping(address verifier => bool) private _attestationVerifiers;

    constructor(address admin, uint64 maxAttestationAge_, IPauseGuard pauseGuard_) EIP712("TeeRegistry", "1") {
        if (admin == address(0) || address(pauseGuard_) == address(0)) revert TeeRegistryZeroAddress();
        pauseGuard = pauseGuard_;
        if (maxAttestationAge_ == 0) revert TeeRegistryZeroMaxAge();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        maxAttestationAge = maxAttestationAge_;
        emit MaxAttestationAgeUpdated(0, maxAttestationAge_);
        uint16 accepted = uint16(
            (1 << uint8(IAttestationVerifier.TcbStatus.UpToDate)) |
                (1 << uint8(IAttestationVerifier.TcbStatus.SWHardeningNeeded))
        );
        acceptedTcbStatuses = accepted;
        emit AcceptedTcbStatusesUpdated(0, accepted);
    }

    modifier whenRegistrationOpen() {
        _checkRegistrationOpen();
        _;
    }

    /// @inheritdoc ITeeRegistry
    function allowMeasurement(
        bytes32 modelId,
        bytes32 measurement
    ) external onlyRole(GOVERNOR_ROLE) whenRegistrationOpen {
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
        // Adding a verifier can revive enclaves it attested; removing one is a revocation and never pauses.
        if (allowed) _checkRegistrationOpen();
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
    function setMaxHeartbeatInterval(uint64 newInterval) external onlyRole(GOVERNOR_ROLE) {
        emit MaxHeartbeatIntervalUpdated(maxHeartbeatInterval, newInterval);
        maxHeartbeatInterval = newInterval;
    }

    /// @inheritdoc ITeeRegistry
    function setAcceptedTcbStatuses(uint16 newMask) external onlyRole(GOVERNOR_ROLE) {
        emit AcceptedTcbStatusesUpdated(acceptedTcbStatuses, newMask);
        acceptedTcbStatuses = newMask;
    }

    /// @inheritdoc ITeeRegistry
    function heartbeat(address enclaveKey, uint256 blockNumber, bytes calldata signature) external {
        Enclave storage enclave = _enclaves[enclaveKey];
        if (enclave.operator == address(0)) revert TeeRegistryUnknownEnclave(enclaveKey);
        if (enclave.revoked) revert TeeRegistryEnclaveRevoked(enclaveKey);
        _checkRecentBlock(blockNumber);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(HEARTBEAT_TYPEHASH, enclaveKey, blockNumber, blockhash(blockNumber)))
        );
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != enclaveKey) {
            revert TeeRegistryInvalidHeartbeat(enclaveKey, recovered);
        }
        emit EnclaveHeartbeat(enclaveKey, enclave.lastHeartbeat, uint64(block.timestamp));
        enclave.lastHeartbeat = uint64(block.timestamp);
    }

    /// @inheritdoc ITeeRegistry
    function registerEnclave(
        bytes32 modelId,
        address enclaveKey,
        address verifier,
        bytes calldata attestation,
        uint256 bindingBlock
    ) external whenRegistrationOpen {
        if (enclaveKey == address(0)) revert TeeRegistryZeroAddress();
        Enclave storage enclave = _enclaves[enclaveKey];
        if (enclave.revoked) revert TeeRegistryEnclaveRevoked(enclaveKey);
        if (enclave.operator != address(0)) revert TeeRegistryEnclaveExists(enclaveKey);

        IAttestationVerifier.Attestation memory result = _attest(
            modelId,
            enclaveKey,
            verifier,
            attestation,
            bindingBlock
        );
        uint64 expiresAt = uint64(block.timestamp) + maxAttestationAge;
        _enclaves[enclaveKey] = Enclave({
            operator: msg.sender,
            registeredAt: uint64(block.timestamp),
            expiresAt: expiresAt,
            revoked: false,
            lastHeartbeat: uint64(block.timestamp),
            tcbStatus: result.tcbStatus,
            modelId: modelId,
            measurement: result.measurement,
            verifier: verifier
        });
        emit EnclaveRegistered(enclaveKey, msg.sender, modelId, result.measurement, expiresAt);
        emit EnclaveAttested(enclaveKey, verifier, result.measurement, result.tcbStatus, result.tcbId);
    }

    /// @inheritdoc ITeeRegistry
    function reattest(
        address enclaveKey,
        address verifier,
        bytes calldata attestation,
        uint256 bindingBlock
    ) external whenRegistrationOpen {
        Enclave storage enclave = _enclaves[enclaveKey];
        if (enclave.operator == address(0)) revert TeeRegistryUnknownEnclave(enclaveKey);
        if (enclave.operator != msg.sender) revert TeeRegistryNotOperator(enclaveKey, msg.sender);
        if (enclave.revoked) revert TeeRegistryEnclaveRevoked(enclaveKey);

        IAttestationVerifier.Attestation memory result = _attest(
            enclave.modelId,
            enclaveKey,
            verifier,
            attestation,
            bindingBlock
        );
        uint64 newExpiresAt = uint64(block.timestamp) + maxAttestationAge;
        emit EnclaveReattested(enclaveKey, enclave.measurement, result.measurement, enclave.expiresAt, newExpiresAt);
        emit EnclaveAttested(enclaveKey, verifier, result.measurement, result.tcbStatus, result.tcbId);
        enclave.measurement = result.measurement;
        enclave.expiresAt = newExpiresAt;
        enclave.lastHeartbeat = uint64(block.timestamp);
        enclave.tcbStatus = result.tcbStatus;
        enclave.verifier = verifier;
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
        uint64 interval = maxHeartbeatInterval;
        if (interval != 0 && block.timestamp > uint256(enclave.lastHeartbeat) + interval) {
            return (operator, EnclaveStatus.Stale);
        }
        if (!_allowedMeasurements[modelId][enclave.measurement]) return (operator, EnclaveStatus.MeasurementRevoked);
        if (!_attestationVerifiers[enclave.verifier]) return (operator, EnclaveStatus.VerifierRevoked);
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

    /// @dev Verifies an attestation for `enclaveKey`, operated by the caller, and returns what it proves: its
    /// measurement must be allowed for the model and its TCB status accepted. Binding the caller means a registration
    /// copied from the mempool fails for anyone else.
    function _attest(
        bytes32 modelId,
        address enclaveKey,
        address verifier,
        bytes calldata attestation,
        uint256 bindingBlock
    ) private view returns (IAttestationVerifier.Attestation memory result) {
        if (!_attestationVerifiers[verifier]) revert TeeRegistryUnknownAttestationVerifier(verifier);
        _checkRecentBlock(bindingBlock);
        result = IAttestationVerifier(verifier).verifyAttestation(attestation);
        bytes32 expected = enclaveBinding(enclaveKey, msg.sender, bindingBlock);
        if (result.reportData != expected) revert TeeRegistryReportDataMismatch(expected, result.reportData);
        if (result.debug) revert TeeRegistryDebugEnclave(result.measurement);
        if (!_allowedMeasurements[modelId][result.measurement]) {
            revert TeeRegistryMeasurementNotAllowed(modelId, result.measurement);
        }
        if (acceptedTcbStatuses & (1 << uint8(result.tcbStatus)) == 0)
            revert TeeRegistryTcbNotAccepted(result.tcbStatus);
    }

    function _checkRegistrationOpen() private view {
        if (pauseGuard.registrationPaused()) revert TeeRegistryRegistrationPaused();
    }

    /// @dev blockhash is only available for the last 256 blocks, and a fresh block proves the signature is recent.
    function _checkRecentBlock(uint256 blockNumber) private view {
        if (blockNumber >= block.number || block.number - blockNumber > 256) {
            revert TeeRegistryStaleBindingBlock(blockNumber, block.number);
        }
    }
}
