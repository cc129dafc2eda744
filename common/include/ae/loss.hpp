// Losses and their gradients. Each returns the value and d(value)/d(prediction).
// Reductions (stated, because they set the scale of gradients and learning rates):
//   Reduction::Mean          mean over all N*D entries     (MSE per pixel, lessons 01-04)
//   Reduction::SumPerExample sum over the D features, mean over the N examples
//                            (nats per image, the VAE of lesson 05)
#pragma once
#include "ae/tensor.hpp"

namespace ae {

enum class Reduction { Mean, SumPerExample };

struct LossValue {
    double value = 0;
    Matrix grad;  // same shape as the prediction
};

// Squared error: (pred - target)^2.
LossValue mse_loss(const Matrix& pred, const Matrix& target, Reduction r = Reduction::Mean);
// The value alone, in double: sum (pred - target)^2 over every entry, in order, / N*D. Both must
// have the same number of entries.
double mean_squared_error(const Matrix& pred, const Matrix& target);

// Binary cross-entropy of sigmoid(logits) against targets in [0, 1], computed from the logits
// so that it stays finite for any logit, with its gradient. Targets may be grey levels
// (Fashion-MNIST), not only 0/1. (Deriving it is lesson 05's step 3: its hints hold the formula.)
LossValue bce_with_logits_loss(const Matrix& logits, const Matrix& target,
                               Reduction r = Reduction::Mean);

// The KL divergence of the diagonal Gaussian N(mu, exp(logvar)) from N(0, I), summed over the Z
// latent dimensions, mean over the N examples, with its gradients. (Deriving it is lesson 05's
// step 2: its hints hold the closed form.)
struct KlValue {
    double value = 0;
    Matrix grad_mu, grad_logvar;  // (N, Z) each
};
KlValue kl_standard_normal(const Matrix& mu, const Matrix& logvar);

// Elementwise sigmoid, numerically safe for large |z|.
Matrix sigmoid(const Matrix& z);

}  // namespace ae
