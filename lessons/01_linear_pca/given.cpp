// Lesson 01, the code the lesson gives you: PCA projections, initialisation, the training loop.
// It calls the functions you write in exercise.cpp.  Run: ./workshop run 01
#include <cmath>

#include "ae/linalg.hpp"
#include "ae/optim.hpp"
#include "exercise.hpp"
#include "lesson.hpp"

namespace ae::l01 {

Matrix pca_encode(const Pca& p, const Matrix& x) {
    Matrix centred = x;
    add_row(centred, -p.mean);
    return matmul(centred, p.components, false, true);  // (N, D) (D, K) -> (N, K)
}

Matrix pca_decode(const Pca& p, const Matrix& codes) {
    Matrix x_hat = matmul(codes, p.components);  // (N, K) (K, D) -> (N, D)
    add_row(x_hat, p.mean);
    return x_hat;
}

LinearAE init_linear_ae(size_t d, size_t z, Rng& rng) {
    const float limit = std::sqrt(6.f / static_cast<float>(d + z));  // Xavier uniform
    LinearAE m;
    m.We = rng.uniform(d, z, -limit, limit);
    m.be = xt::zeros<float>({size_t{1}, z});
    m.Wd = rng.uniform(z, d, -limit, limit);
    m.bd = xt::zeros<float>({size_t{1}, d});
    return m;
}

History train_linear_ae(LinearAE& model, const Matrix& x, const TrainSpec& spec,
                        const EpochFn& on_epoch) {
    return ae::train(
        x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng&) {
            const Forward fwd = forward(model, batch);
            LinearAEGrads g = backward(model, batch, fwd);
            opt.step({{"We", &model.We, &g.We},
                      {"be", &model.be, &g.be},
                      {"Wd", &model.Wd, &g.Wd},
                      {"bd", &model.bd, &g.bd}});
            return mse(fwd.x_hat, batch);
        },
        on_epoch);
}

double kept_fraction(const Pca& p) {
    double kept = 0;
    for (double v : p.variance) kept += v;
    return kept / p.total_variance;
}

}  // namespace ae::l01
