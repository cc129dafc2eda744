// Lesson 06, what the lesson gives you (given.cpp): three detectors trained on normal images only
// (PCA from lesson 01, the deep autoencoder of lesson 02, the VAE of lesson 05), each scoring
// the test set with your step 1 scores, and the evaluation of one detector with your steps 2-4.
// What you write is in exercise.hpp.
#pragma once
#include "ae/training.hpp"
#include <string>
#include <vector>

#include "ae/tensor.hpp"
#include "ae/train.hpp"
#include "exercise.hpp"

namespace ae::l06 {

// One detector's view of the test set (and of its own normal training images).
struct Scored {
    std::string method;  // "PCA-32", "deep AE", "deep AE BCE", ...
    Scores test, train;  // test: N_test scores; train: the normal training images' scores
    Matrix recon;        // (N_test, D) reconstructions of the test images, for the pictures
    double seconds = 0;  // fit + scoring time
};

// normal: (N, D) the normal training images; test: (M, D). Each fits on normal only and scores
// both sets with mse_scores; the deep AE also with bce_scores. The VAE (784-400-20, lesson 05)
// gives two: its negative ELBO per image (nats) and the MSE of its reconstruction decode(mu).
Scored pca_detector(const Matrix& normal, const Matrix& test, size_t k);
std::vector<Scored> ae_detector(const Matrix& normal, const Matrix& test, size_t latent,
                                const TrainSpec& spec);
std::vector<Scored> vae_detector(const Matrix& normal, const Matrix& test, const TrainSpec& spec);

// labels (N) -> anomalous (N): 0 where labels[i] == normal_class, 1 elsewhere.
Labels anomalous_unless(const Labels& labels, int normal_class);

// One detector on one normal class: your ROC and both AUCs on the test set, and the threshold
// chosen on its normal training scores for `fpr`, applied to the test set.
struct Outcome {
    double auc = 0, auc_rank = 0, threshold = 0;
    Roc roc;
    Detection detection;
};
Outcome evaluate(const Scored& s, const Labels& anomalous, double fpr);

// Calls every exercise function once on a toy problem, so that a step not written yet stops the
// program at once (with its name) rather than after minutes of training.
void check_exercise_written();

// The lesson's own flags (the common ones are in ae::Options).
struct Flags {
    int normal_class = -1;  // -1: all ten, one after the other
    double fpr = 0.05;
    bool no_vae = false;
};

}  // namespace ae::l06
