// Lesson 09, what the lesson gives you (given.cpp): the classifier type (an encoder backbone and
// a linear head), its builder from lesson 02's architecture, prediction, the classifier training
// run under one budget rule, the masked-image pretraining loop and the checkpoints of both
// pretrained autoencoders. The functions you write are in exercise.hpp.
// Check with: ./workshop check 09      Run with: ./workshop run 09
#pragma once
#include <string>
#include <vector>

#include "02_deep_ae/lesson.hpp"
#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/training.hpp"

namespace ae::l09 {

inline constexpr int kClasses = 10;

// A classifier built on an encoder: x (N, D) -> encoder -> codes (N, Z) -> head -> logits
// (N, 10). frozen: the encoder is a fixed feature extractor (a linear probe trains the head only).
struct Classifier {
    Sequential encoder;  // lesson 02's encoder: D -> 256 -> 64 -> Z (ReLU between, linear code)
    Sequential head;     // Dense(Z, 10): logits
    bool frozen = false;
    std::vector<Param> encoder_params();  // "enc.<i>.W", "enc.<i>.b"
    std::vector<Param> head_params();     // "head.<i>.W", "head.<i>.b"
};

// A classifier whose encoder has lesson 02's architecture arch, initialised by rng, or, when
// pretrained is not null, a copy of that autoencoder's encoder weights (whose architecture must
// be arch). The head is always new (Xavier). frozen as given.
Classifier make_classifier(const l02::AeConfig& arch, const l02::Autoencoder* pretrained,
                           bool frozen, Rng& rng);
// x: (N, D) -> N predicted labels (argmax of the logits), in chunks of 1024 rows.
Labels predict(Classifier& model, const Matrix& x);

// The training budget of one classifier run: steps = max(min_steps, epochs x ceil(n / batch))
// optimiser steps on n labelled images, probe_steps in place of min_steps for a frozen encoder
// (a linear probe learns more slowly). Both are set so that every method's test-accuracy curve
// is flat at its end (README "The protocol"): each method is compared once it has finished.
struct Budget {
    int min_steps = 4000;
    int probe_steps = 12000;
    int epochs = 5;
    int batch = 64;
    float head_lr = 1e-3f;     // Adam, every freshly initialised layer (the head, a scratch net)
    float encoder_lr = 1e-4f;  // Adam, pretrained encoder layers when fine-tuned (a tenth)
    int steps_for(size_t n, bool frozen = false) const;
};

// One point of a training curve; a curve has about kCurvePoints of them.
inline constexpr int kCurvePoints = 50;
struct CurvePoint {
    int step = 0;
    double train_loss = 0;     // mean cross-entropy over the epoch's batches
    double test_accuracy = 0;  // on the curve's test images
};

// Trains model on the labelled images x (n, D), labels y (n), for budget.steps_for(n, frozen) steps
// in whole epochs of shuffled batches (ae::train with your classifier_step; the head's Adam
// is the spec's optimiser, the encoder's a second Adam at budget.encoder_lr, or at head_lr when
// scratch is true: a scratch encoder is new too). When curve_x is not empty, the test accuracy
// on (curve_x, curve_y) is recorded after about kCurvePoints evenly spaced epochs and the last.
// A frozen encoder's codes are computed once, not per batch: a probe trains its head alone.
std::vector<CurvePoint> train_classifier(Classifier& model, const Matrix& x, const Labels& y,
                                         const Budget& budget, bool scratch, uint64_t seed,
                                         const Matrix& curve_x = {}, const Labels& curve_y = {});

// Masked-image pretraining: patches of patch x patch pixels of each side x side image, fraction
// of them masked per image (your patch_mask, a fresh mask per batch), the masked pixels set to
// 0 in the input, and your masked_mse between the reconstruction and the clean image on the
// masked pixels only. Trains model (an Mse autoencoder of lesson 02) with ae::train.
struct MaskSpec {
    size_t side = 28, patch = 7;
    float fraction = 0.5f;
};
History train_masked_autoencoder(l02::Autoencoder& model, const Matrix& x, const MaskSpec& mask,
                                 const TrainSpec& spec, const EpochFn& on_epoch = nullptr);
// x with the pixels where mask is 1 set to 0: (N, D) each.
Matrix apply_mask(const Matrix& x, const Matrix& mask);

// The pretrained autoencoders' architecture: lesson 02's default, 784-256-64-32, MSE.
l02::AeConfig backbone_config();
// Loads a lesson 02 autoencoder checkpoint and checks it has the architecture arch; throws
// ae::DataError naming the file, the architecture found and the one expected.
l02::Autoencoder load_backbone(const std::string& path, const l02::AeConfig& arch);
// A checkpoint made here is reused when its tag (how it was trained: epochs, data size, mask)
// equals tag; the tag is the note inside the checkpoint (no side file).
bool checkpoint_matches(const std::string& path, const std::string& tag);
void save_backbone(const std::string& path, l02::Autoencoder& model, const std::string& tag);

// The backbone of one kind (masked: the masked-image AE; else plain), from, in order: named (a
// checkpoint the user passed: it must load and have the backbone's shape, or ae::DataError
// names both shapes), fallback (lesson 02's checkpoint: used when present with that shape), a
// checkpoint this program saved in opt.out after the same training, or a model pretrained here
// for opt.epochs on data.train (saved for the next run). retrain skips all but named. from:
// where the model came from, for the report.
l02::Autoencoder obtain_backbone(const std::string& named, const std::string& fallback, bool masked,
                                 const MaskSpec& mask, const DataSplit& data, const Options& opt,
                                 bool retrain, std::string& from);

// The checks of the flags that need no data: labels per class >= 1, one draw count >= 1 per
// label count, a mask fraction in (0, 1), a patch that divides 28. "" when all is well, else
// the message (the program exits 2).
std::string check_flags(const std::vector<int>& labels, const std::vector<int>& draws,
                        const MaskSpec& mask);
// "" when every class of train_labels has at least max(labels) images, else the message.
std::string check_labels(const std::vector<int>& labels, const Labels& train_labels);

// How much a curve still moves at its end: the mean test accuracy over the last quarter of
// the steps minus the mean over the quarter before (near 0: flat, the run has finished).
double late_change(const std::vector<CurvePoint>& c);

}  // namespace ae::l09
