// Lesson 01 program: PCA and a linear autoencoder on Fashion-MNIST, side by side.
// Run: ./workshop run 01 [--quick] [--latent 32] [--epochs 20]   (--help lists every flag)
// The experiment, top to bottom: data, PCA (the optimum), training, evaluation; report.cpp
// writes the pictures and summary.json to out/01_linear_pca/.
#include <iostream>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l01;

namespace {

// PCA: the optimal linear code of size K (Eckart-Young), and the mean image. 100 components
// for the explained-variance curve.
Baselines baselines(const DataSplit& data, size_t k) {
    Timer t;
    Baselines b;
    const Matrix& test = data.test.images;
    b.wide = pca(data.train.images, std::max(k, std::min<size_t>(100, data.train.dim())));
    b.pca = b.wide;
    b.pca.components = xt::view(b.wide.components, xt::range(0, k), xt::all());
    b.pca.variance.resize(k);
    b.seconds = t.seconds();
    b.pca_mse = mse(pca_decode(b.pca, pca_encode(b.pca, test)), test);
    Matrix mean_img = xt::zeros<float>(test.shape());
    add_row(mean_img, b.pca.mean);
    b.mean_mse = mse(mean_img, test);
    return b;
}

// The linear autoencoder, trained by your forward/backward with Adam; the test MSE after each
// epoch.
History train(LinearAE& model, const Options& opt, const DataSplit& data) {
    return train_linear_ae(
        model, data.train.images, train_spec(opt, "linear AE"), [&](EpochLog& log) {
            log.metrics["test_mse"] = mse(forward(model, data.test.images).x_hat, data.test.images);
        });
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        const Options defaults = lesson_defaults(20, 8, 256, 32);
        CommandLine cli(
            {"01", "01_linear_pca", "Lesson 01: a linear autoencoder learns the PCA subspace"},
            defaults);
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (opt.device == "cuda") std::cout << "note: lesson 01 runs on the CPU (it is small).\n";
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        const size_t k = static_cast<size_t>(opt.latent), d = data.train.dim();
        if (k > d)
            throw ae::Error("--latent " + std::to_string(k) + " is larger than the image size " +
                            std::to_string(d));
        const bool default_run = cli.default_run(data);

        const Baselines b = baselines(data, k);
        print_baselines(b, default_run);

        Rng rng(opt.seed);
        LinearAE model = init_linear_ae(d, k, rng);
        Results r;
        r.history = train(model, opt, data);
        r.ae_mse = r.history.epochs.empty()
                       ? mse(forward(model, data.test.images).x_hat, data.test.images)
                       : r.history.metric("test_mse").back();
        r.angles = principal_angles(model.Wd, b.pca.components);

        report(opt, default_run, data, model, b, r, total);
        return 0;
    });
}
