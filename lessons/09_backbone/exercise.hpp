// Lesson 09: an autoencoder as a backbone. The functions you write in exercise.cpp, with their
// shapes; README "Step S" explains each. The classifier type, the training run and the masked
// pretraining loop that call them are in lesson.hpp.
// Check: ./workshop check 09   Watch: ./workshop watch 09   Hints: ./workshop hint 09 S
#pragma once
#include <vector>

#include "ae/loss.hpp"
#include "lesson.hpp"

namespace ae::l09 {

// README step 1. logits: (N, C), labels: N values in [0, C) -> the softmax cross-entropy, a mean
// over the N examples, and its gradient d(value)/d(logits): (N, C). Must stay finite for logits
// of any size (1000 and -1000 included). Throws ae::ShapeError when labels has not N entries,
// ae::Error when a label is outside [0, C). The tests compare with hand-computed values and
// central differences.
LossValue softmax_cross_entropy(const Matrix& logits, const Labels& labels);

// README step 2a. A mask for n images of side x side pixels cut into square patches of
// patch x patch pixels: (n, side*side), 1 on the masked pixels and 0 elsewhere. Every image gets
// exactly round(fraction x number of patches) whole patches masked, chosen at random by rng
// (the same seed gives the same mask). Throws ae::Error, naming the value, when fraction is not
// in (0, 1) or patch is 0 or does not divide side.
Matrix patch_mask(size_t n, size_t side, size_t patch, float fraction, Rng& rng);

// README step 2b. pred, target, mask: (N, D) each, mask 1 on the masked pixels and 0 elsewhere ->
// the mean of (pred - target)^2 over the masked entries only, and its gradient d(value)/d(pred)
// (N, D), zero on the unmasked pixels. No masked entry at all: value 0, gradient 0. Throws
// ae::ShapeError when the shapes differ.
LossValue masked_mse(const Matrix& pred, const Matrix& target, const Matrix& mask);

// README step 3. The parameters an optimiser may change: the head's always, the encoder's only
// when the model is not frozen (Classifier::head_params, ::encoder_params, in lesson.hpp).
std::vector<Param> trainable_params(Classifier& model);

// README step 4. One training step of the classifier on a batch x: (N, D) with labels y (N):
// the logits, their softmax cross-entropy, the gradients of the trainable parameters for this
// batch alone, then head_opt on the head and, unless the model is frozen, encoder_opt on the
// encoder. A frozen encoder's parameters (and gradients) do not change. Returns the loss
// before the update.
double classifier_step(Classifier& model, const Matrix& x, const Labels& y, Optimizer& encoder_opt,
                       Optimizer& head_opt);

}  // namespace ae::l09
