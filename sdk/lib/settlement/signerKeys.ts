import { Signature, type BaseWallet, type TypedDataDomain, type TypedDataField } from "ethers";

import type { Hex } from "./item.js";

/** The EIP-712 type a SIGNED-tier key signs to consent to vouch for a provider (mirrors `SignerRegistry`). */
export const KEY_CONSENT_TYPES: Record<string, TypedDataField[]> = {
  SignerKeyConsent: [{ name: "provider", type: "address" }],
};

/**
 * The key's consent to be `provider`'s signer, under the SignerRegistry's EIP-712 domain (read it with
 * `readDomain(signerRegistry)`): the proof `registerSigner` and `rotateSigner` require.
 */
export async function signKeyConsent(key: BaseWallet, registryDomain: TypedDataDomain, provider: string): Promise<Hex> {
  const signature = await key.signTypedData(registryDomain, KEY_CONSENT_TYPES, { provider });
  return Signature.from(signature).serialized as Hex;
}
