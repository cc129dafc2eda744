// Lesson 01, the report (see report.hpp): terminal summary, pictures, CSV, .npy and summary.json.
// Nothing to write here; main.cpp holds the experiment.
#include "report.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "ae/expect.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"

namespace ae::l01 {

// The README's ranges for the default run (full data, Z = 32, 20 epochs, Adam 1e-3, batch 256).
const ExpectedFigures kExpected = {{"test_mse_pca", {0.0150, 0.0153}},
                                   {"test_mse_linear_ae", {0.0150, 0.0156}},
                                   {"explained_variance_fraction", {0.82, 0.835}},
                                   {"principal_angles_mean_cos2", {0.95, 0.995}},
                                   {"principal_angles_largest_deg", {40, 75}}};

namespace {

std::vector<std::string> numbered(const std::string& prefix, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
}

// A class name that fits above one image: "T-shirt/top" -> "T-shirt", "Ankle boot" -> "boot".
std::string short_name(const std::string& name) {
    const size_t slash = name.find('/'), space = name.rfind(' ');
    if (slash != std::string::npos) return name.substr(0, slash);
    return space == std::string::npos ? name : name.substr(space + 1);
}

void curves(const std::string& out, const Baselines& b, const Results& r) {
    const auto epochs = r.history.epoch_numbers();
    Chart c{"Test MSE per pixel: the linear AE approaches PCA from above", "epoch",
            "test MSE per pixel"};
    c.logy = true;
    line_chart(out + "/mse_per_epoch.png", c,
               {{"linear AE (Adam)", epochs, r.history.metric("test_mse"), "linespoints"},
                {"PCA-" + std::to_string(b.pca.components.shape()[0]) + " (optimal linear)", epochs,
                 std::vector<double>(epochs.size(), b.pca_mse)},
                {"mean image", epochs, std::vector<double>(epochs.size(), b.mean_mse)}});

    // Cumulative explained variance of the first components.
    Series cum{"cumulative explained variance", {}, {}, "lines"};
    double acc = 0;
    for (size_t k = 0; k < b.wide.variance.size(); ++k) {
        acc += b.wide.variance[k];
        cum.x.push_back(double(k + 1));
        cum.y.push_back(acc / b.wide.total_variance);
    }
    Chart cv{"Explained variance of Fashion-MNIST by the first K principal components", "K",
             "fraction of total variance"};
    cv.ymin = 0, cv.ymax = 1, cv.key = "bottom right";
    line_chart(out + "/explained_variance.png", cv, {cum});

    Series cos{"cos(principal angle)", {}, r.angles.cosines, "linespoints"};
    for (size_t i = 0; i < r.angles.cosines.size(); ++i) cos.x.push_back(double(i + 1));
    Chart ca{"Principal angles between the AE decoder's span and the PCA subspace",
             "principal angle (sorted)", "cosine (1 = same direction)"};
    ca.ymin = 0, ca.ymax = 1.05, ca.key = "bottom left";
    line_chart(out + "/principal_angles.png", ca, {cos});
}

void pictures(const std::string& out, const DataSplit& data, const LinearAE& model,
              const Baselines& b) {
    // Bases: PCA components vs AE decoder rows (stretched to [0, 1] each: signs are arbitrary).
    const size_t shown = std::min<size_t>(16, b.pca.components.shape()[0]);
    save_image_grid(out + "/pca_components.png", head(b.pca.components, shown), shown, 28, 28, 3,
                    true, {"PCA"}, "The first principal components (largest variance first)",
                    numbered("", shown));
    save_image_grid(out + "/ae_decoder_rows.png", head(model.Wd, shown), shown, 28, 28, 3, true,
                    {"AE Wd"},
                    "The first rows of the linear AE's decoder Wd: a basis of the same subspace",
                    numbered("", shown));

    // Reconstructions: originals, PCA, linear AE (one row of 10 each), columns by class.
    const Matrix x = head(data.test.images, 10);
    std::vector<std::string> classes;
    for (size_t i = 0; i < x.shape()[0]; ++i)
        classes.push_back(short_name(data.class_names.at(size_t(data.test.labels.at(i)))));
    save_image_rows(out + "/reconstructions.png",
                    {{"original", x},
                     {"PCA-" + std::to_string(b.pca.components.shape()[0]),
                      pca_decode(b.pca, pca_encode(b.pca, x))},
                     {"linear AE", forward(model, x).x_hat}},
                    "Test images and their reconstructions", classes);
}

void files(const std::string& out, const Options& opt, const DataSplit& data, const LinearAE& model,
           const Baselines& b, const Results& r, const Timer& total) {
    save_npy(out + "/pca_components.npy", b.pca.components);
    save_npy(out + "/ae_decoder.npy", model.Wd);
    save_history_csv(out + "/history.csv", r.history, "train_mse", {"test_mse"});
    Json summary = run_summary("01_linear_pca", data);
    set_sizes(summary, data).set("latent", b.pca.components.shape()[0]);
    set_training(summary, opt)
        .set("test_mse_mean_image", b.mean_mse)
        .set("test_mse_pca", b.pca_mse)
        .set("test_mse_linear_ae", r.ae_mse)
        .set("ae_vs_pca_relative_gap", r.ae_mse / b.pca_mse - 1)
        .set("explained_variance_fraction", kept_fraction(b.pca))
        .set("principal_angles_mean_cos2", r.angles.mean_cos2)
        .set("principal_angles_largest_deg", r.angles.largest_angle_deg)
        .set("test_mse_per_epoch", r.history.metric("test_mse"))
        .set("pca_seconds", b.seconds)
        .set("train_seconds", r.history.total_seconds());
    finish_run(summary, out, total);
}

}  // namespace

void print_baselines(const Baselines& b, bool default_run) {
    std::printf(
        "PCA-%zu: test MSE per pixel %s (mean image: %.5f), %.2fs\n", b.pca.components.shape()[0],
        kExpected.against("test_mse_pca", b.pca_mse, default_run).c_str(), b.mean_mse, b.seconds);
    std::printf("  fraction of the variance kept %s\n",
                kExpected.against("explained_variance_fraction", kept_fraction(b.pca), default_run)
                    .c_str());
}

void report(const Options& opt, bool default_run, const DataSplit& data, const LinearAE& model,
            const Baselines& b, const Results& r, const Timer& total) {
    std::printf("\nResults (Z = K = %zu, %d epochs):\n", b.pca.components.shape()[0], opt.epochs);
    std::printf("  test MSE per pixel   mean image %.5f   PCA %.5f\n", b.mean_mse, b.pca_mse);
    std::printf("  linear AE            %s, %+.2f%% vs PCA\n",
                kExpected.against("test_mse_linear_ae", r.ae_mse, default_run).c_str(),
                100 * (r.ae_mse / b.pca_mse - 1));
    std::printf(
        "  principal angles     mean cos^2 %s\n",
        kExpected.against("principal_angles_mean_cos2", r.angles.mean_cos2, default_run).c_str());
    std::printf(
        "                       largest angle (deg) %s\n",
        kExpected.against("principal_angles_largest_deg", r.angles.largest_angle_deg, default_run)
            .c_str());
    if (opt.quick)
        std::printf(
            "  (--quick: %d epochs on the committed sample are far too few for the AE to\n"
            "   find PCA's subspace: an AE well above PCA and a low mean cos^2 are expected\n"
            "   here; the default run, 20 epochs on the full data, makes the comparison)\n",
            opt.epochs);

    const std::string out = opt.out;
    make_dirs(out);
    curves(out, b, r);
    pictures(out, data, model, b);
    files(out, opt, data, model, b, r, total);
}

}  // namespace ae::l01
