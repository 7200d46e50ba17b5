/**
 * The public test networks tierproof deploys to: chain id, Hardhat chain type, the configuration variable holding
 * the RPC URL, and Circle's USDC there (FiatToken v2, which implements EIP-3009 transfer/receiveWithAuthorization).
 * hardhat.config.ts builds its network entries from this list; ignition/parameters/<network>.json name the same token
 * (a test checks they agree).
 */
export interface Testnet {
  /** The Hardhat network name (and the parameters file's name). */
  network: "baseSepolia" | "sepolia" | "opSepolia" | "arbitrumSepolia";
  label: string;
  chainId: number;
  chainType: "l1" | "op" | "generic";
  /** The configuration variable (keystore entry or environment variable) with the RPC URL. */
  rpcUrlVariable: string;
  /** Circle's USDC on this network. */
  usdc: string;
}

/** The configuration variable with the deploying key (keystore entry or environment variable). */
export const TESTNET_KEY_VARIABLE = "TESTNET_PRIVATE_KEY";
/** The configuration variable with the Etherscan (API v2, every chain) key for `hardhat verify`. */
export const ETHERSCAN_KEY_VARIABLE = "ETHERSCAN_API_KEY";

/**
 * USDC addresses: Circle's published testnet addresses; the same four appear in x402's network tables (Base Sepolia is
 * x402's default testnet asset, paid with EIP-3009). Read the token's EIP-712 name and version on chain rather than
 * assuming them: they are not checked here.
 */
export const TESTNETS: readonly Testnet[] = [
  {
    network: "baseSepolia",
    label: "Base Sepolia",
    chainId: 84532,
    chainType: "op",
    rpcUrlVariable: "BASE_SEPOLIA_RPC_URL",
    usdc: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
  },
  {
    network: "sepolia",
    label: "Ethereum Sepolia",
    chainId: 11155111,
    chainType: "l1",
    rpcUrlVariable: "SEPOLIA_RPC_URL",
    usdc: "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238",
  },
  {
    network: "opSepolia",
    label: "OP Sepolia",
    chainId: 11155420,
    chainType: "op",
    rpcUrlVariable: "OP_SEPOLIA_RPC_URL",
    usdc: "0x5fd84259d66Cd46123540766Be93DFE6D43130D7",
  },
  {
    network: "arbitrumSepolia",
    label: "Arbitrum Sepolia",
    chainId: 421614,
    chainType: "generic",
    rpcUrlVariable: "ARBITRUM_SEPOLIA_RPC_URL",
    usdc: "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d",
  },
];

/** The testnet called `name`; throws naming the known ones. */
export function testnet(name: string): Testnet {
  const found = TESTNETS.find((t) => t.network === name);
  if (found === undefined)
    throw new Error(`"${name}" is not a tierproof testnet (${TESTNETS.map((t) => t.network).join(", ")})`);
  return found;
}
