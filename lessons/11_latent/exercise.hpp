// Lesson 11: the latent space. The contract: the functions you write in exercise.cpp, one README
// step each (clustering and its scores, the t-SNE map and its trustworthiness, invariance, the
// codes' distribution, directions in the code space). The models, the representations and the
// experiment around them are in lesson.hpp.
// Check with: ./workshop check 11      Hints: ./workshop hint 11 STEP      Run: ./workshop run 11
#pragma once
#include <cstdint>
#include <vector>

#include "ae/tensor.hpp"

namespace ae::l11 {

// ---- Step 1a: k-means ----
struct KMeansOptions {
    size_t k = 10;          // K clusters
    size_t restarts = 3;    // independent seedings; the run with the lowest inertia is kept
    size_t max_iter = 100;  // assignment + update rounds per restart, at most
    uint64_t seed = 42;     // the same seed gives the same result
};
struct KMeansResult {
    Matrix centroids;       // (K, D)
    Labels assign;          // N cluster numbers in [0, K)
    double inertia = 0;     // sum over the N rows of the squared distance to their centroid
    size_t iterations = 0;  // rounds of the restart that was kept
};
// README step 1a. x: (N, D) -> K clusters by Lloyd's algorithm from k-means++ seeding, restarted
// opt.restarts times, the lowest inertia kept. Distances by one matrix product per round (lesson
// 07's squared_distances may be used); a row goes to its nearest centroid (ties: the lower
// cluster number); a round that changes no assignment ends the restart; a cluster left empty gets
// a row that is far from its own centroid, so when x has at least K distinct rows every cluster
// holds a row. On return every centroid is the mean of its rows and inertia matches centroids and
// assign. Throws ae::Error naming K and N unless 1 <= K <= N.
KMeansResult kmeans(const Matrix& x, const KMeansOptions& opt);

// ---- Step 1b: scores of a clustering against labels ----
// truth, clusters: N each (N > 0, the same N, or ae::Error); the numbers are names only (any
// non-negative ints, not necessarily 0..C-1), so every score is unchanged when either side is
// renumbered. All three are 1 for a clustering that matches the labels exactly.
// README step 1b. The fraction of rows whose cluster's most common label is their own label.
double purity(const Labels& truth, const Labels& clusters);
// README step 1b. The mutual information of the two partitions over the mean of their entropies
// (natural log), in [0, 1]; 1 when both partitions have a single part.
double nmi(const Labels& truth, const Labels& clusters);
// README step 1b. The adjusted Rand index: pair agreement corrected for chance (0 on average for
// a random clustering, 1 for a perfect one, may be negative); 1 when the chance-corrected maximum
// equals its expectation (both partitions trivial).
double ari(const Labels& truth, const Labels& clusters);

// ---- Step 2: t-SNE ----
// README step 2a. d2: (N, N) squared distances -> (N, N) conditional probabilities p(j|i) of a
// Gaussian centred on row i: row i sums to 1, p(i|i) = 0, and each row's bandwidth is found by
// bisection so that its perplexity (2 to the entropy in bits) equals perplexity within 1e-4
// relative. Throws ae::Error naming the perplexity and N unless 1 < perplexity < N - 1.
Matrix conditional_p(const Matrix& d2, float perplexity);
// README step 2b. cond: (N, N) conditional probabilities -> the symmetric joint P (N, N): P(i, j)
// = P(j, i), the whole matrix sums to 1, zero diagonal.
Matrix joint_p(const Matrix& cond);
// README step 2c. p: (N, N) joint P, y: (N, 2) map -> KL(P || Q) in nats, Q the Student-t (one
// degree of freedom) similarities of the map's points, normalised over all pairs i != j.
double tsne_kl(const Matrix& p, const Matrix& y);
// README step 2c. The gradient of tsne_kl with respect to y: (N, 2). You derive it.
Matrix tsne_gradient(const Matrix& p, const Matrix& y);

struct TsneOptions {
    int iterations = 500;         // gradient steps in all
    int exaggerated = 125;        // the first steps use exaggeration * P
    float exaggeration = 12.f;    // early exaggeration factor
    float learning_rate = 200.f;  // step size
    float momentum_start = 0.5f;  // momentum while exaggerated
    float momentum_end = 0.8f;    // momentum afterwards
    uint64_t seed = 42;           // the start: N(0, 1e-4^2) per coordinate from this seed
};
// README step 2d. p: (N, N) joint P -> the map y: (N, 2) after opt.iterations steps of gradient
// descent with momentum (and per-coordinate gains), early exaggeration first; the map's mean is
// kept at 0. The same seed gives the same map.
Matrix tsne_map(const Matrix& p, const TsneOptions& opt);

// README step 2e. high: (N, D) the original points, low: (N, E) their map -> trustworthiness at
// k neighbours, in [0, 1]: 1 when every point's k nearest in the map are among its k nearest in
// the original space; each intruder is penalised by how far down the original ranking it sits.
// Ties in distance: the lower row number ranks first. Throws ae::Error naming k and N unless
// 1 <= k < N / 2.
double trustworthiness(const Matrix& high, const Matrix& low, size_t k);

// ---- Step 3: invariance ----
// Images are rows of side * side pixels, row-major (pixel (r, c) at r * side + c, r downwards),
// values in [0, 1]; results have x's shape and stay in [0, 1].
// README step 3a. x: (N, side^2) -> every image moved dx pixels right and dy pixels down (negative:
// left, up); pixels that come in from outside the image are 0.
Matrix shift_images(const Matrix& x, int dx, int dy, size_t side = 28);
// README step 3a. x: (N, side^2) -> every image turned by `degrees` counter-clockwise (as seen on
// screen) about its centre ((side - 1) / 2, (side - 1) / 2): each output pixel takes the input at
// the position that the turn brings onto it, by bilinear interpolation between the four pixels
// around it; pixels outside the input count as 0.
Matrix rotate_images(const Matrix& x, float degrees, size_t side = 28);
// README step 3b. codes, moved: (N, Z), row i the code of image i and of its transformed copy
// (N >= 2) -> the mean distance between a code and its moved code, relative to the mean distance
// between the codes of two different images (all pairs i != j). Euclidean distances.
double distance_ratio(const Matrix& codes, const Matrix& moved);
// README step 3b. The fraction of the N moved codes whose nearest row of codes (Euclidean; ties:
// the lower row) is their own original, row i.
double retrieval_rate(const Matrix& codes, const Matrix& moved);

// ---- Step 4: the distribution of the codes ----
// Per-dimension moments over the N rows (divided by N, not N - 1) and the correlations.
struct CodeStats {
    std::vector<double> mean, sd, skew, kurtosis;  // Z each; kurtosis is the excess (0 for a
                                                   // Gaussian); a constant column: sd, skew,
                                                   // kurtosis 0
    Matrix correlation;                            // (Z, Z) Pearson; diagonal 1; a constant
                                                   // column: 0 off the diagonal
};
// README step 4a. codes: (N, Z), N >= 2 -> its statistics.
CodeStats code_statistics(const Matrix& codes);
// README step 4b. codes: (N, Z) -> n samples (n, Z) from the Gaussian with the codes' mean and
// sample covariance (divided by N - 1), drawn as mean + L e with L L^T the covariance (Cholesky;
// add 1e-6 x the mean variance to the diagonal when it is not positive definite) and e ~ N(0, I)
// from rng.normal.
Matrix sample_fitted_gaussian(const Matrix& codes, size_t n, Rng& rng);

// ---- Step 5: interpretable directions ----
// README step 5a. codes: (N, Z), labels: N class numbers in [0, classes) -> (classes, Z): row c
// the mean of the codes of the rows labelled c. Throws ae::Error naming the label and `classes`
// when a label is outside [0, classes), naming the class when it has no rows, and naming both
// counts when labels and codes differ in length.
Matrix class_means(const Matrix& codes, const Labels& labels, size_t classes);
// README step 5b. codes: (N, Z) of images of class `from`, means: (C, Z) from class_means ->
// (N, Z): every code moved by the step that takes the mean code of class `from` to the mean
// code of class `to` (the same step for every row; from == to leaves the codes as they are).
// Throws ae::Error naming the class and C when from or to is outside [0, C), and naming both
// widths when means and codes differ in Z.
Matrix latent_arithmetic(const Matrix& codes, const Matrix& means, size_t from, size_t to);
// README step 5c. means: (N, Z), row i the posterior mean of image i (N >= 1) -> Z numbers: how
// much each dimension's posterior mean varies over the N images (its variance, divided by N).
std::vector<double> unit_activity(const Matrix& means);
// README step 5c. The number of dimensions whose unit_activity is above threshold (strictly).
size_t active_units(const Matrix& means, double threshold = 0.01);
// README step 5c. base: (1, Z) a code, dims: dimensions in [0, Z), values: V numbers ->
// (dims.size() * V, Z): row d * V + v is base with dimension dims[d] set to values[v] (every
// other entry as in base). Throws ae::Error naming the dimension and Z when one is outside
// [0, Z), and naming the row count when base has not exactly one row.
Matrix traversal_codes(const Matrix& base, const std::vector<size_t>& dims,
                       const std::vector<float>& values);

}  // namespace ae::l11
