// Lesson 09: an autoencoder as a backbone. You write the classifier's loss, patch masking and
// the masked reconstruction loss, freezing, and the classifier's training step.
// Check with: ./workshop check 09 (one line per step), hints: ./workshop hint 09 S
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l09 {

LossValue softmax_cross_entropy(const Matrix& logits, const Labels& labels) {
    // TODO(lesson 09, step 1): see README "Step 1: Softmax cross-entropy".
    AE_TODO("09", "softmax_cross_entropy", logits, labels);
}

Matrix patch_mask(size_t n, size_t side, size_t patch, float fraction, Rng& rng) {
    // TODO(lesson 09, step 2a): see README "Step 2a: Patch masking".
    AE_TODO("09", "patch_mask", n, side, patch, fraction, rng);
}

LossValue masked_mse(const Matrix& pred, const Matrix& target, const Matrix& mask) {
    // TODO(lesson 09, step 2b): see README "Step 2b: The masked reconstruction loss".
    AE_TODO("09", "masked_mse", pred, target, mask);
}

std::vector<Param> trainable_params(Classifier& model) {
    // TODO(lesson 09, step 3): see README "Step 3: Freezing".
    AE_TODO("09", "trainable_params", model);
}

double classifier_step(Classifier& model, const Matrix& x, const Labels& y, Optimizer& encoder_opt,
                       Optimizer& head_opt) {
    // TODO(lesson 09, step 4): see README "Step 4: The classifier's training step".
    AE_TODO("09", "classifier_step", model, x, y, encoder_opt, head_opt);
}

}  // namespace ae::l09
