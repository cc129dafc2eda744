// Lesson 12: tabular data. You write the preprocessing that the training rows alone decide, a
// loss for mixed numeric and categorical columns, the per-feature explanation of an anomaly, and
// the masking that teaches an autoencoder to fill in missing entries.
// Check with: ./workshop check 12 (one line per step), hints: ./workshop hint 12 S
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l12 {

Preprocessor fit_preprocessor(const Table& t, const std::vector<size_t>& train) {
    // TODO(lesson 12, step 1a): see README "Step 1a: Fit on the training rows".
    AE_TODO("12", "fit_preprocessor", t, train);
}

Encoded encode(const Preprocessor& p, const Matrix& values) {
    // TODO(lesson 12, step 1b): see README "Step 1b: Encode a table".
    AE_TODO("12", "encode", p, values);
}

double mixed_loss(const Preprocessor& p, const Matrix& x_hat, const Matrix& x, const Matrix& mask,
                  Matrix* grad) {
    // TODO(lesson 12, step 2): see README "Step 2: A loss for mixed columns".
    AE_TODO("12", "mixed_loss", p, x_hat, x, mask, grad);
}

Matrix contributions(const Preprocessor& p, const Matrix& x_hat, const Matrix& x,
                     const Matrix& mask) {
    // TODO(lesson 12, step 3a): see README "Step 3a: Which columns made the score".
    AE_TODO("12", "contributions", p, x_hat, x, mask);
}

std::vector<std::vector<size_t>> top_features(const Matrix& contributions, size_t k) {
    // TODO(lesson 12, step 3b): see README "Step 3b: The top features of a row".
    AE_TODO("12", "top_features", contributions, k);
}

Masked hide_entries(const Preprocessor& p, const Matrix& x, const Matrix& mask, double rate,
                    Rng& rng) {
    // TODO(lesson 12, step 4a): see README "Step 4a: Hide entries to learn to fill them".
    AE_TODO("12", "hide_entries", p, x, mask, rate, rng);
}

Matrix fill_missing(const Preprocessor& p, const Matrix& x, const Matrix& mask,
                    const Matrix& x_hat) {
    // TODO(lesson 12, step 4b): see README "Step 4b: Fill in the missing entries".
    AE_TODO("12", "fill_missing", p, x, mask, x_hat);
}

}  // namespace ae::l12
