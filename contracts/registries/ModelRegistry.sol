// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {IZkVerifier} from "../interfaces/IZkVerifier.sol";
import {Tier, TierSet} from "../libraries/Tier.sol";

/// @title ModelRegistry
/// @notice Permissionless registry of models: anyone registers a model id they own and set its prices.
contract ModelRegistry is IModelRegistry {
    using TierSet for uint8;

    /// @dev The BN254 scalar field order: a weights commitment is a public signal, so it must be below it.
    uint256 private constant _SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice The emergency switch: while its registration scope is paused, `registerModel` reverts (price changes
    /// and retirement go on).
    IPauseGuard public immutable pauseGuard;

    mapping(bytes32 modelId => Model) private _models;

    constructor(IPauseGuard pauseGuard_) {
        if (address(pauseGuard_) == address(0)) revert ModelRegistryZeroAddress();
        pauseGuard = pauseGuard_;
    }

    modifier onlyModelOwner(bytes32 modelId) {
        Model storage model = _models[modelId];
        if (model.owner == address(0)) revert ModelRegistryUnknownModel(modelId);
        if (model.owner != msg.sender) revert ModelRegistryNotModelOwner(modelId, msg.sender);
        if (model.retired) revert ModelRegistryModelRetired(modelId);
        _;
    }

    /// @inheritdoc IModelRegistry
    function registerModel(bytes32 modelId, ModelConfig calldata config) external {
        if (pauseGuard.registrationPaused()) revert ModelRegistryRegistrationPaused();
        if (modelId == bytes32(0)) revert ModelRegistryZeroModelId();
        if (address(bytes20(modelId)) != msg.sender) revert ModelRegistryModelIdNotOwned(modelId, msg.sender);
        if (_models[modelId].owner != address(0)) revert ModelRegistryModelExists(modelId);
        if (config.acceptedTiers == 0 || config.acceptedTiers & ~TierSet.ALL != 0) {
            revert ModelRegistryInvalidTiers(config.acceptedTiers);
        }
        if (config.inputSize == 0 || config.outputSize == 0) {
            revert ModelRegistryInvalidShape(config.inputSize, config.outputSize);
        }
        if (config.acceptedTiers.contains(Tier.ZK)) _checkVerifier(config.verifier, config.verifyingKeyHash);
        // The commitment is a public signal of the proof: it must be a field element, and zero means "public weights".
        if (
            config.privateWeights &&
            (config.weightsCommitment == bytes32(0) || uint256(config.weightsCommitment) >= _SNARK_SCALAR_FIELD)
        ) revert ModelRegistryInvalidWeightsCommitment(config.weightsCommitment);

        _models[modelId] = Model({
            owner: msg.sender,
            acceptedTiers: config.acceptedTiers,
            retired: false,
            privateWeights: config.privateWeights,
            inputSize: config.inputSize,
            outputSize: config.outputSize,
            fracBits: config.fracBits,
            verifier: config.verifier,
            verifyingKeyHash: config.verifyingKeyHash,
            weightsCommitment: config.weightsCommitment,
            prices: config.prices
        });
        emit ModelRegistered(
            modelId,
            msg.sender,
            config.verifier,
            config.verifyingKeyHash,
            config.weightsCommitment,
            config.privateWeights,
            config.acceptedTiers,
            config.prices
        );
    }

    /// @inheritdoc IModelRegistry
    function setPrice(bytes32 modelId, Tier tier, uint128 newPrice) external onlyModelOwner(modelId) {
        uint128[3] storage prices = _models[modelId].prices;
        uint128 oldPrice = prices[uint8(tier)];
        prices[uint8(tier)] = newPrice;
        emit ModelPriceUpdated(modelId, tier, oldPrice, newPrice);
    }

    /// @inheritdoc IModelRegistry
    function retireModel(bytes32 modelId) external onlyModelOwner(modelId) {
        _models[modelId].retired = true;
        emit ModelRetired(modelId);
    }

    /// @inheritdoc IModelRegistry
    function getModel(bytes32 modelId) external view returns (Model memory) {
        Model memory model = _models[modelId];
        if (model.owner == address(0)) revert ModelRegistryUnknownModel(modelId);
        return model;
    }

    /// @inheritdoc IModelRegistry
    function terms(
        bytes32 modelId,
        Tier tier
    ) external view returns (bool accepted, uint256 price, address verifier, bytes32 weightsBinding) {
        Model storage model = _models[modelId];
        accepted = model.owner != address(0) && !model.retired && model.acceptedTiers.contains(tier);
        price = model.prices[uint8(tier)];
        verifier = model.verifier;
        // Read only for private-weights models: public-weights models skip the commitment's storage slot.
        if (model.privateWeights) weightsBinding = model.weightsCommitment;
    }

    /// @dev A ZK model's verifier must be code that answers the registered verifying-key hash, so a model id
    /// always names one circuit.
    function _checkVerifier(address verifier, bytes32 expected) private view {
        if (verifier.code.length == 0) revert ModelRegistryVerifierHasNoCode(verifier);
        bytes32 actual = IZkVerifier(verifier).verifyingKeyHash();
        if (actual != expected) revert ModelRegistryVerifierMismatch(verifier, expected, actual);
    }
}
