// Internal to common/src: the plain twin of every fast kernel of the CPU reference. Each twin is
// the formula written once, as a plain loop or an xtensor expression, on one thread; it is
// defined beside the fast version it mirrors (tensor.cpp, loss.cpp), which the library runs
// (xsimd batches, threads from simd.hpp, float block sums), and a test compares the two
// (tests/common_tensor.cpp, common_loss.cpp; Adam's pair: ae/optim.hpp's detail).
#pragma once
#include <cstddef>
#include <random>

#include "ae/loss.hpp"
#include "ae/tensor.hpp"

namespace ae::plain {

// Rng::normal_fast's draws from the same engine, one Box-Muller pair at a time: one 64-bit word
// w per pair, u1 = (high 32 bits + 1/2) / 2^32 in (0, 1), theta = (low 32 bits) / 2^32 * 2 pi,
// out = mean + stddev sqrt(-2 ln u1) (cos theta, sin theta); n odd drops the last sine.
void normal_fast(std::mt19937_64& gen, float* out, size_t n, float mean, float stddev);

// sigmoid(z) = 1 / (1 + exp(-z)), as e / (1 + e) with e = exp(-|z|) where z < 0: (N, D) -> (N, D)
Matrix sigmoid(const Matrix& z);

// The losses of ae/loss.hpp, summed in double in index order: value and gradient.
LossValue mse_loss(const Matrix& pred, const Matrix& target, Reduction r);
LossValue bce_with_logits_loss(const Matrix& logits, const Matrix& target, Reduction r);

}  // namespace ae::plain
