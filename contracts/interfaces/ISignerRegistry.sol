// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISignerRegistry
/// @notice Providers stake an ERC-20 and register one secp256k1 signer key that vouches for SIGNED
/// results. Keys rotate; stake unbonds after a delay; the dispute path may slash.
interface ISignerRegistry {
    /// @notice Whether a signer key can vouch for results right now.
    enum SignerStatus {
        None, // the key is not registered
        Active, // registered, staked at least `minStake`, not unbonding
        Unbonding, // the provider started unbonding
        Understaked, // the stake is below `minStake` (e.g. after a slash)
        Retired // the provider rotated away from this key or withdrew its stake
    }

    /// @notice A provider's stake and key.
    struct Provider {
        address signer;
        uint64 unlockAt; // 0 while bonded; otherwise when the stake can be withdrawn
        uint256 stake;
    }

    /// @notice A zero amount was given.
    error SignerRegistryZeroAmount();
    /// @notice Registration is paused (`IPauseGuard.registrationPaused`): no new stake or keys; unbonding,
    /// withdrawals and slashing go on.
    error SignerRegistryRegistrationPaused();
    /// @notice The zero address was given as a key or recipient.
    error SignerRegistryZeroAddress();
    /// @notice The key is registered already (by `provider`, or retired).
    error SignerRegistryKeyTaken(address key, address provider);
    /// @notice The provider has a key already: use `rotateSigner`.
    error SignerRegistrySignerExists(address provider, address signer);
    /// @notice The provider has no key to rotate.
    error SignerRegistryNoSigner(address provider);
    /// @notice The provider is unbonding: no new stake or keys until the stake is withdrawn.
    error SignerRegistryUnbonding(address provider, uint64 unlockAt);
    /// @notice The provider has not started unbonding.
    error SignerRegistryNotUnbonding(address provider);
    /// @notice The unbonding delay has not passed.
    error SignerRegistryStillLocked(address provider, uint64 unlockAt);
    /// @notice The provider has no stake.
    error SignerRegistryNoStake(address provider);
    /// @notice The key did not sign its consent to vouch for this provider (see `keyConsentDigest`).
    error SignerRegistryInvalidKeyProof(address signer);

    /// @notice Stake was added.
    event Staked(address indexed provider, uint256 amount, uint256 newStake);
    /// @notice A provider registered its first key.
    event SignerRegistered(address indexed provider, address indexed signer);
    /// @notice A provider replaced its key.
    event SignerRotated(address indexed provider, address indexed oldSigner, address indexed newSigner);
    /// @notice A provider started unbonding; its key stops vouching at once.
    event UnbondingStarted(address indexed provider, uint256 stake, uint64 unlockAt);
    /// @notice A provider withdrew its stake after the delay.
    event StakeWithdrawn(address indexed provider, address indexed to, uint256 amount);
    /// @notice A provider's stake was slashed by the dispute path.
    event Slashed(address indexed provider, address indexed recipient, uint256 amount, uint256 newStake);
    /// @notice The minimum stake changed.
    event MinStakeUpdated(uint256 oldMinStake, uint256 newMinStake);

    /// @notice Adds `amount` of the stake token to the caller's stake (needs an allowance). Reverts with
    /// `SignerRegistryRegistrationPaused` while registration is paused, as do `registerSigner` and `rotateSigner`.
    function stake(uint256 amount) external;

    /// @notice Registers the caller's first signer key.
    /// @param keyProof The key's signature over `keyConsentDigest(caller)`: proof that the caller controls the key,
    /// so nobody can claim (and burn) a key that is not theirs.
    function registerSigner(address signer, bytes calldata keyProof) external;

    /// @notice Replaces the caller's signer key; the old key can never be registered again.
    /// @param keyProof The new key's signature over `keyConsentDigest(caller)`.
    function rotateSigner(address newSigner, bytes calldata keyProof) external;

    /// @notice Starts the unbonding delay; the caller's key stops vouching at once.
    function beginUnbonding() external;

    /// @notice After the delay, sends the caller's whole stake to `to` and clears its key.
    function withdrawStake(address to) external;

    /// @notice Takes up to `amount` of `provider`'s stake to `recipient`; only the slasher role. Works while the
    /// provider is unbonding: the stake answers for the results it vouched for until it is withdrawn.
    /// @return slashed The amount actually taken (at most the stake).
    function slash(address provider, uint256 amount, address recipient) external returns (uint256 slashed);

    /// @notice Sets the minimum stake for a key to be active; only the admin.
    function setMinStake(uint256 newMinStake) external;

    /// @notice Seconds between `beginUnbonding` and `withdrawStake`. A dispute path's challenge window must be
    /// shorter, so a stake cannot leave while a window on results it vouched for is open.
    function unbondingDelay() external view returns (uint64);

    /// @notice The EIP-712 digest a key signs to consent to vouch for `provider`: `SignerKeyConsent(address provider)`
    /// in this registry's domain (chain and contract).
    function keyConsentDigest(address provider) external view returns (bytes32);

    /// @notice The provider behind a key and whether the key can vouch now.
    function signerStatus(address signer) external view returns (address provider, SignerStatus status);

    /// @notice A provider's record.
    function getProvider(address provider) external view returns (Provider memory);
}
