// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Tier} from "../libraries/Tier.sol";

/// @title IModelRegistry
/// @notice Registered models: owner, ZK verifier and its verifying-key hash, weights commitment, shapes,
/// the tiers each model accepts and a price per tier.
interface IModelRegistry {
    /// @notice What a model owner provides at registration.
    /// @param verifier The model's Groth16 verifier (an `IZkVerifier`); required when the ZK tier is accepted.
    /// @param verifyingKeyHash The hash the verifier must answer from `verifyingKeyHash()`.
    /// @param weightsCommitment Poseidon commitment to the model's weights (sdk/lib/zk/modelWeights.ts).
    /// @param privateWeights The model's circuit takes its weights as private inputs and outputs their commitment as
    /// a public signal; settlement then requires that signal to equal `weightsCommitment` (public signals
    /// [inputHash, outputHash, weightsCommitment, requestId]). Otherwise the weights are circuit constants (public
    /// signals [inputHash, outputHash, requestId]).
    /// @param inputSize Number of fixed-point input values.
    /// @param outputSize Number of fixed-point output values.
    /// @param fracBits Fixed-point scale: values are integers times 2^-fracBits.
    /// @param acceptedTiers Bit mask of accepted tiers (bit i = `Tier(i)`).
    /// @param prices Price per tier, in the settlement token's smallest unit, indexed by `Tier`.
    struct ModelConfig {
        address verifier;
        bytes32 verifyingKeyHash;
        bytes32 weightsCommitment;
        bool privateWeights;
        uint16 inputSize;
        uint16 outputSize;
        uint8 fracBits;
        uint8 acceptedTiers;
        uint128[3] prices;
    }

    /// @notice A registered model.
    struct Model {
        address owner;
        uint8 acceptedTiers;
        bool retired;
        bool privateWeights;
        uint16 inputSize;
        uint16 outputSize;
        uint8 fracBits;
        address verifier;
        bytes32 verifyingKeyHash;
        bytes32 weightsCommitment;
        uint128[3] prices;
    }

    /// @notice The model id is zero.
    error ModelRegistryZeroModelId();
    /// @notice The constructor got the zero address for the pause guard.
    error ModelRegistryZeroAddress();
    /// @notice Registration is paused (`IPauseGuard.registrationPaused`).
    error ModelRegistryRegistrationPaused();
    /// @notice A model id starts with its owner's address (20 bytes), so nobody can take another's id first.
    error ModelRegistryModelIdNotOwned(bytes32 modelId, address caller);
    /// @notice A model with this id is already registered.
    error ModelRegistryModelExists(bytes32 modelId);
    /// @notice No model has this id.
    error ModelRegistryUnknownModel(bytes32 modelId);
    /// @notice The caller does not own the model.
    error ModelRegistryNotModelOwner(bytes32 modelId, address caller);
    /// @notice The model is retired and can no longer change.
    error ModelRegistryModelRetired(bytes32 modelId);
    /// @notice The accepted-tier mask is empty or names a tier that does not exist.
    error ModelRegistryInvalidTiers(uint8 acceptedTiers);
    /// @notice Input or output size is zero.
    error ModelRegistryInvalidShape(uint16 inputSize, uint16 outputSize);
    /// @notice The ZK tier is accepted but the verifier address has no code.
    error ModelRegistryVerifierHasNoCode(address verifier);
    /// @notice A private-weights model needs a weights commitment that is a nonzero SNARK field element.
    error ModelRegistryInvalidWeightsCommitment(bytes32 weightsCommitment);
    /// @notice The verifier answers a different verifying-key hash than the one registered.
    error ModelRegistryVerifierMismatch(address verifier, bytes32 expected, bytes32 actual);

    /// @notice A model was registered.
    event ModelRegistered(
        bytes32 indexed modelId,
        address indexed owner,
        address verifier,
        bytes32 verifyingKeyHash,
        bytes32 weightsCommitment,
        bool privateWeights,
        uint8 acceptedTiers,
        uint128[3] prices
    );
    /// @notice A tier's price changed.
    event ModelPriceUpdated(bytes32 indexed modelId, Tier indexed tier, uint128 oldPrice, uint128 newPrice);
    /// @notice A model was retired: it accepts no further results.
    event ModelRetired(bytes32 indexed modelId);

    /// @notice Registers a model under `modelId`, owned by the caller. The id's first 20 bytes must be the caller's
    /// address (the other 12 are the caller's to choose), as Seaport does for conduit keys: ids cannot be squatted.
    /// Reverts with `ModelRegistryRegistrationPaused` while registration is paused.
    function registerModel(bytes32 modelId, ModelConfig calldata config) external;

    /// @notice Sets the price of one tier; only the model owner.
    function setPrice(bytes32 modelId, Tier tier, uint128 newPrice) external;

    /// @notice Retires a model for good; only the model owner.
    function retireModel(bytes32 modelId) external;

    /// @notice The full record of a model (reverts for an unknown id).
    function getModel(bytes32 modelId) external view returns (Model memory);

    /// @notice What settlement needs for one item, without reverting.
    /// @return accepted Whether the model exists, is not retired and accepts `tier`.
    /// @return price The model's price for `tier`.
    /// @return verifier The model's ZK verifier.
    /// @return weightsBinding For a private-weights model, the weights commitment its proofs must output; zero for a
    /// model whose weights are circuit constants.
    function terms(
        bytes32 modelId,
        Tier tier
    ) external view returns (bool accepted, uint256 price, address verifier, bytes32 weightsBinding);
}
