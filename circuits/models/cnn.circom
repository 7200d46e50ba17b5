pragma circom 2.1.0;

include "../lib/fixedpoint.circom";
include "../lib/vectorhash.circom";

// A tiny convolutional classifier with public weights: a single-channel S×S image, C filters of K×K (valid
// convolution, stride 1) with ReLU, then a dense layer to NC logits and argmax:
//   conv[c][y][x] = ReLU(floor((Σ FILTERS[c][i][j]·img[y+i][x+j] + FBIAS[c]) / 2^F))
//   logits[k] = floor((Σ DW[k][·]·conv + DB[k]) / 2^F), class = argmax(logits)
// Pixels, weights and activations at scale 2^F; biases at 2^(2F); accumulators within signed ACC bits.
//
// Public signals, in this order: inputHash = VectorHash(x), outputHash = Poseidon(class, logits...), requestId.
template Cnn(S, K, C, NC, FILTERS, FBIAS, DW, DB, F, ACC) {
    var O = S - K + 1;
    signal input x[S * S];
    signal input requestId;
    signal output inputHash;
    signal output outputHash;

    component convScale[C * O * O];
    component convRelu[C * O * O];
    for (var c = 0; c < C; c++) {
        for (var y = 0; y < O; y++) {
            for (var x0 = 0; x0 < O; x0++) {
                var acc = FBIAS[c];
                for (var i = 0; i < K; i++) {
                    for (var j = 0; j < K; j++) {
                        acc += FILTERS[c][i][j] * x[(y + i) * S + x0 + j];
                    }
                }
                var n = (c * O + y) * O + x0;
                convScale[n] = Rescale(ACC, F);
                convScale[n].in <== acc;
                convRelu[n] = ReLU(ACC - F);
                convRelu[n].in <== convScale[n].out;
            }
        }
    }

    component logitScale[NC];
    component classOf = ArgMax(NC, ACC - F);
    for (var k = 0; k < NC; k++) {
        var acc = DB[k];
        for (var n = 0; n < C * O * O; n++) {
            acc += DW[k][n] * convRelu[n].out;
        }
        logitScale[k] = Rescale(ACC, F);
        logitScale[k].in <== acc;
        classOf.in[k] <== logitScale[k].out;
    }

    component inputHasher = VectorHash(S * S);
    for (var i = 0; i < S * S; i++) {
        inputHasher.in[i] <== x[i];
    }
    inputHash <== inputHasher.out;

    component outputHasher = VectorHash(NC + 1);
    outputHasher.in[0] <== classOf.index;
    for (var k = 0; k < NC; k++) {
        outputHasher.in[k + 1] <== logitScale[k].out;
    }
    outputHash <== outputHasher.out;

    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.
    signal requestIdSquared;
    requestIdSquared <== requestId * requestId;
}
