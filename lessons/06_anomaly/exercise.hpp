// Lesson 06: anomaly detection with autoencoders. Train on "normal" images only, score every
// test image by how badly it is reconstructed, and measure how well the score separates normal
// from anomalous. You write the functions marked "you write" in exercise.cpp; the ones marked
// "given" are in given.cpp. Check with: ./workshop check 06      Run with: ./workshop run 06
#pragma once
#include <string>
#include <vector>

#include "ae/tensor.hpp"
#include "ae/train.hpp"

namespace ae::l06 {

// Scores are one number per image, higher = more anomalous. Labels of the detection problem:
// anomalous[i] = 1 for an anomaly (a positive), 0 for a normal image.
using Scores = std::vector<double>;

// Step 1a (you write): x_hat, x: (N, D) -> N scores, the mean over the D pixels of
// (x_hat - x)^2 of each image (the reconstruction MSE).
Scores mse_scores(const Matrix& x_hat, const Matrix& x);
// Step 1b (you write): x_hat: (N, D) pixel probabilities, x: (N, D) grey levels -> N scores,
// the binary cross-entropy summed over the D pixels, -sum [x log p + (1 - x) log(1 - p)], in
// nats, with p = x_hat clipped to [1e-6, 1 - 1e-6] so that a pixel at exactly 0 or 1 stays finite.
Scores bce_scores(const Matrix& x_hat, const Matrix& x);

// The ROC curve: one point (false-positive rate, true-positive rate) per threshold, for the rule
// "flag an image when its score >= threshold", from the highest threshold to the lowest.
struct Roc {
    std::vector<double> fpr, tpr;  // same length; (0, 0) first, (1, 1) last, both non-decreasing
};
// Step 2 (you write): scores, anomalous: N each (both classes present) -> the ROC curve. Sort by
// score, descending; walk down, counting true and false positives; emit a point after each group
// of EQUAL scores (tied images are flagged together, never one by one).
Roc roc_curve(const Scores& scores, const Labels& anomalous);

// Step 3a (you write): the area under the curve by the trapezoidal rule.
double auc(const Roc& roc);
// Step 3b (you write): the same area as the Mann-Whitney statistic: the probability that a random
// anomaly scores higher than a random normal image, ties counting 1/2. Compute it from ranks
// (sort once, tied scores share their mean rank): AUC = (R_pos - P (P + 1) / 2) / (P Q), with
// R_pos the sum of the anomalies' ranks (1-based), P anomalies and Q normal images.
double auc_rank(const Scores& scores, const Labels& anomalous);

// Step 4a (you write): the threshold for a target false-positive rate, chosen on the scores of
// normal (training) images only: the smallest t among those scores such that the fraction of
// normal_scores strictly above t is at most fpr. Images are then flagged when score > t.
// fpr in [0, 1); normal_scores non-empty.
double threshold_at_fpr(const Scores& normal_scores, double fpr);

// What the rule "flag when score > threshold" does on a labelled set.
struct Detection {
    size_t tp = 0, fp = 0, tn = 0, fn = 0;  // true/false positives, true/false negatives
    double precision = 0;                   // tp / (tp + fp); 0 when nothing is flagged
    double recall = 0;                      // tp / (tp + fn), the true-positive rate
    double fpr = 0;                         // fp / (fp + tn), the false-positive rate
};
// Step 4b (you write): scores, anomalous: N each.
Detection detect(const Scores& scores, const Labels& anomalous, double threshold);

// ---- Given (given.cpp): the detectors of the program, built on lessons 01, 02 and 05 -----------

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
                                const FitOptions& fit, float lr);
std::vector<Scored> vae_detector(const Matrix& normal, const Matrix& test, const FitOptions& fit,
                                 float lr);

// labels (N) -> anomalous (N): 0 where labels[i] == normal_class, 1 elsewhere.
Labels anomalous_unless(const Labels& labels, int normal_class);

}  // namespace ae::l06
