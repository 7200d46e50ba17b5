import { concat, dataSlice, getAddress, id } from "ethers";

import type { Hex } from "./item.js";

/**
 * The model id `owner` registers a model `name` under: the owner's address (20 bytes, which the ModelRegistry
 * requires, so ids cannot be squatted) followed by the first 12 bytes of keccak256(name).
 */
export function modelIdFor(owner: string, name: string): Hex {
  if (name.length === 0) throw new Error("a model name must not be empty");
  return concat([getAddress(owner), dataSlice(id(name), 0, 12)]) as Hex;
}
