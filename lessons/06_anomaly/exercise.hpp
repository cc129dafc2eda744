// Lesson 06: anomaly detection with autoencoders. The contract: the functions you write in
// exercise.cpp, one README step each. The detectors built on them (PCA, the deep AE, the VAE)
// are in lesson.hpp.
// Check with: ./workshop check 06      Hints: ./workshop hint 06 STEP      Run: ./workshop run 06
#pragma once
#include <vector>

#include "ae/tensor.hpp"

namespace ae::l06 {

// Scores are one number per image, higher = more anomalous. Labels of the detection problem:
// anomalous[i] = 1 for an anomaly (a positive), 0 for a normal image.
using Scores = std::vector<double>;

// README step 1a. x_hat, x: (N, D) -> N scores: the squared reconstruction error of each image
// (row), as a mean over its D pixels so it reads like lesson 02's MSE. Throws ae::ShapeError
// when the shapes differ.
Scores mse_scores(const Matrix& x_hat, const Matrix& x);

// README step 1b. x_hat: (N, D) pixel probabilities, x: (N, D) grey levels in [0, 1] -> N
// scores: the binary cross-entropy of each image in nats, summed over its D pixels (lesson 05's
// reconstruction term). Clip x_hat to [1e-6, 1 - 1e-6] first, so that a pixel predicted at
// exactly 0 or 1 gives a finite score.
Scores bce_scores(const Matrix& x_hat, const Matrix& x);

// The ROC curve: one point (false-positive rate, true-positive rate) per threshold, from the
// highest threshold to the lowest.
struct Roc {
    std::vector<double> fpr, tpr;  // same length; (0, 0) first, (1, 1) last, both non-decreasing
};

// README step 2. scores, anomalous: N each, both kinds present -> the ROC curve: (0, 0), then one
// point per distinct score value, highest first. Images with equal scores are flagged together
// by every threshold, so a group of ties is ONE point. Throws ae::Error when the sizes differ
// or only one kind of image is present.
Roc roc_curve(const Scores& scores, const Labels& anomalous);

// README step 3a. The area under roc's polyline (from step 2), in [0, 1].
double auc(const Roc& roc);

// README step 3b. The same area without the curve: the probability that a random anomaly scores
// higher than a random normal image (a tie counts 1/2), computed from the ranks of the scores
// after one sort (not by comparing all P x Q pairs). Same errors as step 2.
double auc_rank(const Scores& scores, const Labels& anomalous);

// README step 4a. normal_scores (n > 0) of normal training images, fpr in [0, 1) -> the
// threshold t: the smallest of the normal scores such that at most a fraction fpr of them lies
// strictly above t (images are then flagged when score > t). Throws ae::Error for an empty
// list or an fpr outside [0, 1).
double threshold_at_fpr(const Scores& normal_scores, double fpr);

// What the rule "flag when score > threshold" does on a labelled set.
struct Detection {
    size_t tp = 0, fp = 0, tn = 0, fn = 0;  // true/false positives, true/false negatives
    double precision = 0;                   // of the flagged images, the fraction of anomalies
    double recall = 0;                      // of the anomalies, the fraction flagged (TPR)
    double fpr = 0;                         // of the normal images, the fraction flagged
};

// README step 4b. scores, anomalous: N each -> the four counts and the three rates of the rule
// above. A score equal to the threshold is not flagged; a rate whose denominator is 0 is 0.
Detection detect(const Scores& scores, const Labels& anomalous, double threshold);

}  // namespace ae::l06
