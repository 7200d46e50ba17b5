pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// The commitment to a vector of N field elements, as sdk/zk/poseidon.ts `hashVector` computes it:
// Poseidon(N) for N <= 16; otherwise Poseidon over the Poseidon hashes of consecutive chunks of 16 (the last chunk
// shorter), for N <= 256.
template VectorHash(N) {
    assert(N > 0 && N <= 256);
    signal input in[N];
    signal output out;

    if (N <= 16) {
        component hash = Poseidon(N);
        for (var i = 0; i < N; i++) {
            hash.inputs[i] <== in[i];
        }
        out <== hash.out;
    } else {
        var chunks = (N + 15) \ 16;
        component chunkHash[chunks];
        for (var c = 0; c < chunks; c++) {
            var size = c == chunks - 1 ? N - 16 * c : 16;
            chunkHash[c] = Poseidon(size);
            for (var i = 0; i < size; i++) {
                chunkHash[c].inputs[i] <== in[16 * c + i];
            }
        }
        component root = Poseidon(chunks);
        for (var c = 0; c < chunks; c++) {
            root.inputs[c] <== chunkHash[c].out;
        }
        out <== root.out;
    }
}
