// Lesson 01 program: PCA and a linear autoencoder on Fashion-MNIST, side by side.
// Run: ./workshop run 01 [--quick] [--latent 32] [--epochs 20]   (--help lists every flag)
// Writes pictures, their numbers and summary.json to out/01_linear_pca/.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/linalg.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l01;

namespace {

// Rows [0, n) of m.
Matrix head(const Matrix& m, size_t n) {
    return xt::view(m, xt::range(0, std::min(n, m.shape()[0])), xt::all());
}

void pictures(const std::string& out, const DataSplit& data, const Pca& p, const LinearAE& model,
              const History& history, double pca_mse, double mean_mse, const Angles& angles,
              const Pca& wide) {
    const auto epochs = history.epoch_numbers();
    Chart c{"Test MSE per pixel: the linear AE approaches PCA from above", "epoch",
            "test MSE per pixel"};
    c.logy = true;
    line_chart(out + "/mse_per_epoch.png", c,
               {{"linear AE (Adam)", epochs, history.metric("test_mse"), "linespoints"},
                {"PCA-" + std::to_string(p.components.shape()[0]) + " (optimal linear)", epochs,
                 std::vector<double>(epochs.size(), pca_mse)},
                {"mean image", epochs, std::vector<double>(epochs.size(), mean_mse)}});

    // Cumulative explained variance of the first components.
    Series cum{"cumulative explained variance", {}, {}, "lines"};
    double acc = 0;
    for (size_t k = 0; k < wide.variance.size(); ++k) {
        acc += wide.variance[k];
        cum.x.push_back(double(k + 1));
        cum.y.push_back(acc / wide.total_variance);
    }
    Chart cv{"Explained variance of Fashion-MNIST by the first K principal components", "K",
             "fraction of total variance"};
    cv.ymin = 0, cv.ymax = 1, cv.key = "bottom right";
    line_chart(out + "/explained_variance.png", cv, {cum});

    Series cos{"cos(principal angle)", {}, angles.cosines, "linespoints"};
    for (size_t i = 0; i < angles.cosines.size(); ++i) cos.x.push_back(double(i + 1));
    Chart ca{"Principal angles between the AE decoder's span and the PCA subspace",
             "principal angle (sorted)", "cosine (1 = same direction)"};
    ca.ymin = 0, ca.ymax = 1.05, ca.key = "bottom left";
    line_chart(out + "/principal_angles.png", ca, {cos});

    // Bases: PCA components vs AE decoder rows (stretched to [0, 1] each: signs are arbitrary).
    save_image_grid(out + "/pca_components.png", head(p.components, 16), 8, 28, 28, 3, true, {},
                    "The first 16 principal components (largest variance first)");
    save_image_grid(
        out + "/ae_decoder_rows.png", head(model.Wd, 16), 8, 28, 28, 3, true, {},
        "The first 16 rows of the linear AE's decoder Wd: a basis of the same subspace");

    // Reconstructions: originals, PCA, linear AE (one row of 10 each).
    const Matrix x = head(data.test.images, 10);
    const Matrix grid =
        xt::concatenate(xt::xtuple(x, pca_decode(p, pca_encode(p, x)), forward(model, x).x_hat), 0);
    save_image_grid(out + "/reconstructions.png", grid, 10, 28, 28, 3, false,
                    {"original", "PCA-" + std::to_string(p.components.shape()[0]), "linear AE"},
                    "Test images and their reconstructions");
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 20;
        defaults.quick_epochs = 8;
        defaults.batch_size = 256;
        defaults.lr = 1e-3f;
        defaults.latent = 32;
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

        // PCA: the optimal linear code of size K (Eckart-Young). 100 components for the curve.
        Timer t;
        const Pca wide = pca(data.train.images, std::max<size_t>(k, std::min<size_t>(100, d)));
        Pca p = wide;
        p.components = head(wide.components, k);
        p.variance.resize(k);
        const double pca_seconds = t.seconds();
        const double pca_mse =
            mse(pca_decode(p, pca_encode(p, data.test.images)), data.test.images);
        Matrix mean_img = xt::zeros<float>(data.test.images.shape());
        add_row(mean_img, p.mean);
        const double mean_mse = mse(mean_img, data.test.images);
        double kept = 0;
        for (double v : p.variance) kept += v;
        std::printf(
            "PCA-%zu: test MSE per pixel %.5f (mean image: %.5f), %.1f%% of the variance, %.2fs\n",
            k, pca_mse, mean_mse, 100 * kept / p.total_variance, pca_seconds);

        // The linear autoencoder, trained by your forward/backward with Adam.
        Rng rng(opt.seed);
        LinearAE model = init_linear_ae(d, k, rng);
        FitOptions fo;
        fo.epochs = opt.epochs;
        fo.batch_size = opt.batch_size;
        fo.seed = opt.seed;
        fo.lr = opt.lr;
        fo.name = "linear AE";
        const History history =
            train_linear_ae(model, data.train.images, fo, opt.lr, [&](EpochLog& log) {
                log.metrics["test_mse"] =
                    mse(forward(model, data.test.images).x_hat, data.test.images);
            });
        const double ae_mse = history.epochs.empty()
                                  ? mse(forward(model, data.test.images).x_hat, data.test.images)
                                  : history.metric("test_mse").back();
        const Angles angles = principal_angles(model.Wd, p.components);

        std::printf("\nResults (Z = K = %zu, %d epochs):\n", k, opt.epochs);
        std::printf(
            "  test MSE per pixel   mean image %.5f   PCA %.5f   linear AE %.5f (%+.2f%% vs PCA)\n",
            mean_mse, pca_mse, ae_mse, 100 * (ae_mse / pca_mse - 1));
        std::printf("  principal angles     mean cos^2 %.4f   largest angle %.1f deg\n",
                    angles.mean_cos2, angles.largest_angle_deg);

        const std::string out = opt.out;
        make_dirs(out);
        pictures(out, data, p, model, history, pca_mse, mean_mse, angles, wide);
        save_npy(out + "/pca_components.npy", p.components);
        save_npy(out + "/ae_decoder.npy", model.Wd);
        save_csv(out + "/history.csv", {"epoch", "train_mse", "test_mse", "seconds"},
                 {history.epoch_numbers(), history.train_loss(), history.metric("test_mse"), [&] {
                      std::vector<double> s;
                      for (auto& e : history.epochs) s.push_back(e.seconds);
                      return s;
                  }()});
        Json summary;
        summary.set("lesson", "01_linear_pca")
            .set("data", data.describe())
            .set("full_data", !data.is_sample)
            .set("train_images", data.train.size())
            .set("test_images", data.test.size())
            .set("latent", k)
            .set("epochs", opt.epochs)
            .set("batch_size", opt.batch_size)
            .set("lr", double(opt.lr))
            .set("seed", double(opt.seed))
            .set("test_mse_mean_image", mean_mse)
            .set("test_mse_pca", pca_mse)
            .set("test_mse_linear_ae", ae_mse)
            .set("ae_vs_pca_relative_gap", ae_mse / pca_mse - 1)
            .set("explained_variance_fraction", kept / p.total_variance)
            .set("principal_angles_mean_cos2", angles.mean_cos2)
            .set("principal_angles_largest_deg", angles.largest_angle_deg)
            .set("test_mse_per_epoch", history.metric("test_mse"))
            .set("pca_seconds", pca_seconds)
            .set("train_seconds", history.total_seconds())
            .set("seconds", total.seconds());
        summary.save(out + "/summary.json");
        std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                    total.seconds());
        return 0;
    });
}
