// Lesson 11: the latent space. You write k-means and its three scores against labels, then the
// exact t-SNE (bandwidths, joint P, its KL and gradient, the optimisation) and trustworthiness,
// then shifted and rotated images and how far their codes move, then the codes' statistics and
// a Gaussian fitted to them, then class means, arithmetic with them, active units and
// traversals, one README step each.
// Check: ./workshop check 11   (./workshop watch 11 reruns on save; ./workshop hint 11 STEP)
#include "07_knn/exercise.hpp"  // squared_distances: lesson 07's GEMM trick, yours to reuse
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l11 {

KMeansResult kmeans(const Matrix& x, const KMeansOptions& opt) {
    // TODO(lesson 11, step 1a): see README "Step 1a: k-means, seeded and restarted".
    AE_TODO("11", "kmeans", x, opt);
}

double purity(const Labels& truth, const Labels& clusters) {
    // TODO(lesson 11, step 1b): see README "Step 1b: Scoring a clustering against labels".
    AE_TODO("11", "purity", truth, clusters);
}

double nmi(const Labels& truth, const Labels& clusters) {
    // TODO(lesson 11, step 1b): see README "Step 1b: Scoring a clustering against labels".
    AE_TODO("11", "nmi", truth, clusters);
}

double ari(const Labels& truth, const Labels& clusters) {
    // TODO(lesson 11, step 1b): see README "Step 1b: Scoring a clustering against labels".
    AE_TODO("11", "ari", truth, clusters);
}

Matrix conditional_p(const Matrix& d2, float perplexity) {
    // TODO(lesson 11, step 2a): see README "Step 2a: One bandwidth per point".
    AE_TODO("11", "conditional_p", d2, perplexity);
}

Matrix joint_p(const Matrix& cond) {
    // TODO(lesson 11, step 2b): see README "Step 2b: The joint P".
    AE_TODO("11", "joint_p", cond);
}

double tsne_kl(const Matrix& p, const Matrix& y) {
    // TODO(lesson 11, step 2c): see README "Step 2c: KL(P || Q) and its gradient".
    AE_TODO("11", "tsne_kl", p, y);
}

Matrix tsne_gradient(const Matrix& p, const Matrix& y) {
    // TODO(lesson 11, step 2c): see README "Step 2c: KL(P || Q) and its gradient".
    AE_TODO("11", "tsne_gradient", p, y);
}

Matrix tsne_map(const Matrix& p, const TsneOptions& opt) {
    // TODO(lesson 11, step 2d): see README "Step 2d: The optimisation".
    AE_TODO("11", "tsne_map", p, opt);
}

double trustworthiness(const Matrix& high, const Matrix& low, size_t k) {
    // TODO(lesson 11, step 2e): see README "Step 2e: Trustworthiness of a map".
    AE_TODO("11", "trustworthiness", high, low, k);
}

Matrix shift_images(const Matrix& x, int dx, int dy, size_t side) {
    // TODO(lesson 11, step 3a): see README "Step 3a: Shifted and rotated copies".
    AE_TODO("11", "shift_images", x, dx, dy, side);
}

Matrix rotate_images(const Matrix& x, float degrees, size_t side) {
    // TODO(lesson 11, step 3a): see README "Step 3a: Shifted and rotated copies".
    AE_TODO("11", "rotate_images", x, degrees, side);
}

double distance_ratio(const Matrix& codes, const Matrix& moved) {
    // TODO(lesson 11, step 3b): see README "Step 3b: How far a code moves".
    AE_TODO("11", "distance_ratio", codes, moved);
}

double retrieval_rate(const Matrix& codes, const Matrix& moved) {
    // TODO(lesson 11, step 3b): see README "Step 3b: How far a code moves".
    AE_TODO("11", "retrieval_rate", codes, moved);
}

CodeStats code_statistics(const Matrix& codes) {
    // TODO(lesson 11, step 4a): see README "Step 4a: Moments and correlations of the codes".
    AE_TODO("11", "code_statistics", codes);
}

Matrix sample_fitted_gaussian(const Matrix& codes, size_t n, Rng& rng) {
    // TODO(lesson 11, step 4b): see README "Step 4b: Codes drawn from a fitted Gaussian".
    AE_TODO("11", "sample_fitted_gaussian", codes, n, rng);
}

Matrix class_means(const Matrix& codes, const Labels& labels, size_t classes) {
    // TODO(lesson 11, step 5a): see README "Step 5a: Class means".
    AE_TODO("11", "class_means", codes, labels, classes);
}

Matrix latent_arithmetic(const Matrix& codes, const Matrix& means, size_t from, size_t to) {
    // TODO(lesson 11, step 5b): see README "Step 5b: Arithmetic with class means".
    AE_TODO("11", "latent_arithmetic", codes, means, from, to);
}

std::vector<double> unit_activity(const Matrix& means) {
    // TODO(lesson 11, step 5c): see README "Step 5c: Active units and traversals".
    AE_TODO("11", "unit_activity", means);
}

size_t active_units(const Matrix& means, double threshold) {
    // TODO(lesson 11, step 5c): see README "Step 5c: Active units and traversals".
    AE_TODO("11", "active_units", means, threshold);
}

Matrix traversal_codes(const Matrix& base, const std::vector<size_t>& dims,
                       const std::vector<float>& values) {
    // TODO(lesson 11, step 5c): see README "Step 5c: Active units and traversals".
    AE_TODO("11", "traversal_codes", base, dims, values);
}

}  // namespace ae::l11
