// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAttestationVerifier} from "./IAttestationVerifier.sol";

/// @title ITeeRegistry
/// @notice Governance allows enclave measurements per model; an enclave key registers once with an attestation
/// (checked by an allowed `IAttestationVerifier`) whose report data binds the key, its operator, the chain, this
/// registry and a recent block hash. Result checks re-read the allow-list, so revoking a measurement disables its keys at once.
/// Policies: an attestation expires after `maxAttestationAge` (re-attest); when `maxHeartbeatInterval` is set, an enclave
/// must also prove it is alive (a heartbeat signed by its key) that often; only TCB statuses governance accepts register.
interface ITeeRegistry {
    /// @notice Whether an enclave key can sign results for a model right now.
    enum EnclaveStatus {
        None, // the key never registered
        Active, // registered, attestation fresh, measurement allowed for the model
        Revoked, // the key was revoked
        Expired, // the attestation is older than the maximum age: re-attest
        MeasurementRevoked, // governance no longer allows the enclave's measurement for the model
        WrongModel, // the key registered for another model
        Stale, // the heartbeat policy is on and the enclave's last heartbeat is older than the interval
        VerifierRevoked // governance removed the attestation verifier that admitted the key
    }

    /// @notice A registered enclave key.
    struct Enclave {
        address operator;
        uint64 registeredAt;
        uint64 expiresAt;
        bool revoked;
        uint64 lastHeartbeat; // registration, re-attestation or heartbeat
        IAttestationVerifier.TcbStatus tcbStatus; // as the attestation verifier reported it
        bytes32 modelId;
        bytes32 measurement;
        address verifier; // the attestation verifier of the last (re-)attestation
    }

    /// @notice The attestation verifier is not on the allow-list.
    error TeeRegistryUnknownAttestationVerifier(address verifier);
    /// @notice The zero address was given.
    error TeeRegistryZeroAddress();
    /// @notice Registration is paused (`IPauseGuard.registrationPaused`): no new or refreshed enclaves, allowed
    /// measurements or attestation verifiers; revocations and heartbeats go on.
    error TeeRegistryRegistrationPaused();
    /// @notice The key is registered already (use `reattest` to refresh it).
    error TeeRegistryEnclaveExists(address enclaveKey);
    /// @notice No enclave has this key.
    error TeeRegistryUnknownEnclave(address enclaveKey);
    /// @notice The key was revoked and can never register again.
    error TeeRegistryEnclaveRevoked(address enclaveKey);
    /// @notice The caller is neither the enclave's operator nor (for revocation) a governor.
    error TeeRegistryNotOperator(address enclaveKey, address caller);
    /// @notice The binding block is not one of the last 256 blocks.
    error TeeRegistryStaleBindingBlock(uint256 bindingBlock, uint256 currentBlock);
    /// @notice The report data does not bind this key, chain, registry and block hash.
    error TeeRegistryReportDataMismatch(bytes32 expected, bytes32 actual);
    /// @notice Debug enclaves are refused.
    error TeeRegistryDebugEnclave(bytes32 measurement);
    /// @notice The measurement is not allowed for the model.
    error TeeRegistryMeasurementNotAllowed(bytes32 modelId, bytes32 measurement);
    /// @notice The maximum attestation age must be positive.
    error TeeRegistryZeroMaxAge();
    /// @notice The attestation's TCB status is not one governance accepts.
    error TeeRegistryTcbNotAccepted(IAttestationVerifier.TcbStatus tcbStatus);
    /// @notice The heartbeat is not signed by the enclave key over this registry, chain and block.
    error TeeRegistryInvalidHeartbeat(address enclaveKey, address recovered);

    /// @notice Governance allowed a measurement for a model.
    event MeasurementAllowed(bytes32 indexed modelId, bytes32 indexed measurement);
    /// @notice Governance revoked a measurement for a model; its keys stop at once.
    event MeasurementRevoked(bytes32 indexed modelId, bytes32 indexed measurement);
    /// @notice Governance added or removed an attestation verifier.
    event AttestationVerifierSet(address indexed verifier, bool oldAllowed, bool newAllowed);
    /// @notice The maximum attestation age changed.
    event MaxAttestationAgeUpdated(uint64 oldMaxAge, uint64 newMaxAge);
    /// @notice An enclave key registered.
    event EnclaveRegistered(
        address indexed enclaveKey,
        address indexed operator,
        bytes32 indexed modelId,
        bytes32 measurement,
        uint64 expiresAt
    );
    /// @notice An enclave presented a fresh attestation.
    event EnclaveReattested(
        address indexed enclaveKey,
        bytes32 oldMeasurement,
        bytes32 newMeasurement,
        uint64 oldExpiresAt,
        uint64 newExpiresAt
    );
    /// @notice An enclave key was revoked.
    event EnclaveRevoked(address indexed enclaveKey, address indexed by);
    /// @notice An attestation was accepted for an enclave key (at registration and at each re-attestation).
    event EnclaveAttested(
        address indexed enclaveKey,
        address indexed verifier,
        bytes32 measurement,
        IAttestationVerifier.TcbStatus tcbStatus,
        bytes32 tcbId
    );
    /// @notice An enclave proved it is alive.
    event EnclaveHeartbeat(address indexed enclaveKey, uint64 oldHeartbeat, uint64 newHeartbeat);
    /// @notice The heartbeat interval changed (0: no heartbeat required).
    event MaxHeartbeatIntervalUpdated(uint64 oldInterval, uint64 newInterval);
    /// @notice The set of accepted TCB statuses changed (bit i set: `TcbStatus(i)` accepted).
    event AcceptedTcbStatusesUpdated(uint16 oldMask, uint16 newMask);

    /// @notice Allows `measurement` for `modelId`; only governors. Reverts with `TeeRegistryRegistrationPaused` while
    /// registration is paused, as do `setAttestationVerifier(_, true)`, `registerEnclave` and `reattest`.
    function allowMeasurement(bytes32 modelId, bytes32 measurement) external;

    /// @notice Revokes `measurement` for `modelId`; only governors.
    function revokeMeasurement(bytes32 modelId, bytes32 measurement) external;

    /// @notice Adds or removes an attestation verifier; only governors. Removing one disables the keys it admitted at
    /// once (until they re-attest through an allowed verifier); adding it back restores them.
    function setAttestationVerifier(address verifier, bool allowed) external;

    /// @notice Sets how long an attestation stays valid; only governors.
    function setMaxAttestationAge(uint64 newMaxAge) external;

    /// @notice Sets how often an enclave must send a heartbeat (0: never); only governors. Applies at once.
    function setMaxHeartbeatInterval(uint64 newInterval) external;

    /// @notice Sets the accepted TCB statuses (bit i set: `TcbStatus(i)` accepted) for new attestations; only governors.
    function setAcceptedTcbStatuses(uint16 newMask) external;

    /// @notice Records that the enclave is alive: `signature` by the enclave key over the EIP-712
    /// `Heartbeat(address enclaveKey,uint256 blockNumber,bytes32 blockHash)` of one of the last 256 blocks. Anyone may
    /// relay it.
    function heartbeat(address enclaveKey, uint256 blockNumber, bytes calldata signature) external;

    /// @notice Registers `enclaveKey` for `modelId`, operated by the caller, with an attestation whose report data
    /// is `enclaveBinding(enclaveKey, caller, bindingBlock)`.
    function registerEnclave(
        bytes32 modelId,
        address enclaveKey,
        address verifier,
        bytes calldata attestation,
        uint256 bindingBlock
    ) external;

    /// @notice Refreshes an enclave's attestation (its measurement may change); only its operator.
    function reattest(address enclaveKey, address verifier, bytes calldata attestation, uint256 bindingBlock) external;

    /// @notice Revokes an enclave key for good; its operator or a governor.
    function revokeEnclave(address enclaveKey) external;

    /// @notice The report data an attestation must carry: keccak256(abi.encode(enclaveKey, operator, chainid,
    /// this registry, blockhash(bindingBlock))).
    function enclaveBinding(address enclaveKey, address operator, uint256 bindingBlock) external view returns (bytes32);

    /// @notice The operator of `enclaveKey` and whether it may sign results for `modelId` now.
    function enclaveStatus(
        address enclaveKey,
        bytes32 modelId
    ) external view returns (address operator, EnclaveStatus status);

    /// @notice The record of an enclave key.
    function getEnclave(address enclaveKey) external view returns (Enclave memory);

    /// @notice Whether `measurement` is allowed for `modelId`.
    function isMeasurementAllowed(bytes32 modelId, bytes32 measurement) external view returns (bool);
}
