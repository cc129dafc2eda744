// Lesson 02 program: a deep autoencoder (784-256-64-Z) on Fashion-MNIST, compared with PCA-Z.
// Run: ./workshop run 02 [--quick] [--latent 32] [--loss mse|bce] [--epochs 20] (--help: all)
// Writes loss curves, reconstructions, the latent scatter, summary.json and the trained model
// (model.ckpt, which lessons 06 and 07 load) to out/02_deep_ae/.
#include <cstdio>
#include <iostream>

#include "01_linear_pca/exercise.hpp"
#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l02;

namespace {

struct Eval {
    double loss = 0;  // the training loss (MSE or BCE per pixel) on a whole set
    double mse = 0;   // MSE per pixel of the [0, 1] reconstruction: the figure compared with PCA
};

Eval evaluate(Autoencoder& model, const Matrix& x) {
    const Matrix out = model.decoder.forward(model.encoder.forward(x));  // (N, D)
    Eval e;
    e.loss = reconstruction_loss(model.config.loss, out, x).value;
    e.mse = mse_loss(model.config.loss == Loss::Bce ? sigmoid(out) : out, x).value;
    return e;
}

// The one place the model is trained. A GPU path (--device cuda) plugs in here with the same
// contract: train on x for fo.epochs with Adam(lr), call on_epoch after each epoch, and have the
// current weights in model's (CPU) parameters whenever on_epoch runs and on return.
History train_model(const std::string& device, Autoencoder& model, const Matrix& x,
                    const FitOptions& fo, float lr, const EpochFn& on_epoch) {
    if (device == "cuda") {
        std::cout << "Training on the GPU with the library's CUDA trainer (your train_step is the "
                     "CPU path: --device cpu).\n";
        return train_autoencoder_gpu(model, x, fo, lr, on_epoch);
    }
    Adam adam(lr);
    return train_autoencoder(model, x, fo, adam, on_epoch);
}

// First test image of each class: one column per class in the reconstruction grid.
Matrix one_per_class(const Dataset& ds) {
    std::vector<size_t> idx;
    for (int c = 0; c < 10; ++c) {
        for (size_t i = 0; i < ds.size(); ++i) {
            if (ds.labels[i] == c) {
                idx.push_back(i);
                break;
            }
        }
    }
    return gather_rows(ds.images, idx);
}

// (N, Z) test codes -> (N, 2): the codes themselves when Z = 2, else their top-2 PCA projection
// (lesson 01), fitted on the training codes.
Matrix latent_2d(const Matrix& train_codes, const Matrix& test_codes) {
    if (test_codes.shape()[1] == 2) return test_codes;
    return l01::pca_encode(l01::pca(train_codes, 2), test_codes);
}

std::vector<double> per_class_mean(const std::vector<double>& err, const Labels& labels) {
    std::vector<double> sum(10, 0.0), count(10, 0.0);
    for (size_t i = 0; i < err.size(); ++i) sum[labels[i]] += err[i], count[labels[i]] += 1;
    for (int c = 0; c < 10; ++c) sum[c] = count[c] > 0 ? sum[c] / count[c] : NAN;
    return sum;
}

void curves(const std::string& out, const History& h, const std::string& loss, double pca_mse,
            double mean_mse) {
    const auto ep = h.epoch_numbers();
    Chart c{"Training and test loss (" + loss + " per pixel)", "epoch", loss + " per pixel"};
    c.logy = loss == "mse";  // BCE of grey pixels has a floor (their entropy), MSE falls to ~0
    line_chart(out + "/loss_curves.png", c,
               {{"train", ep, h.train_loss(), "linespoints"},
                {"test", ep, h.metric("test_loss"), "linespoints"}});
    Chart m{"Test MSE per pixel: deep AE vs PCA at the same Z", "epoch", "test MSE per pixel"};
    m.logy = true;
    line_chart(out + "/test_mse.png", m,
               {{"deep AE", ep, h.metric("test_mse"), "linespoints"},
                {"PCA (same Z)", ep, std::vector<double>(ep.size(), pca_mse)},
                {"mean image", ep, std::vector<double>(ep.size(), mean_mse)}});
}

void pictures(const std::string& out, const DataSplit& data, Autoencoder& model, const l01::Pca& p,
              const std::vector<double>& ae_err, const std::vector<double>& pca_err,
              const Matrix& xy, size_t z) {
    const Matrix x = one_per_class(data.test);
    const Matrix grid = xt::concatenate(
        xt::xtuple(x, reconstruct(model, x), l01::pca_decode(p, l01::pca_encode(p, x))), 0);
    save_image_grid(out + "/reconstructions.png", grid, 10, 28, 28, 3);

    const std::string what =
        z == 2 ? "the 2-D code" : "top-2 PCA projection of the " + std::to_string(z) + "-D code";
    Chart s{"Test images in latent space (" + what + "), coloured by class", "latent 1",
            "latent 2"};
    s.key = "outside right";
    s.width = 960;
    scatter_by_class(out + "/latent_scatter.png", s, xy, data.test.labels, data.class_names);

    Chart b{"Test MSE per pixel by class", "class", "mean test MSE per pixel"};
    b.key = "top left";
    bar_chart(
        out + "/mse_by_class.png", b, data.class_names, {"deep AE", "PCA (same Z)"},
        {per_class_mean(ae_err, data.test.labels), per_class_mean(pca_err, data.test.labels)});
}

double mean_of(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? NAN : s / double(v.size());
}

std::vector<double> pca_errors(const l01::Pca& p, const Matrix& x) {
    const Matrix x_hat = l01::pca_decode(p, l01::pca_encode(p, x));
    std::vector<double> err(x.shape()[0], 0.0);
    for (size_t i = 0; i < x.shape()[0]; ++i) {
        for (size_t j = 0; j < x.shape()[1]; ++j)
            err[i] += std::pow(double(x_hat(i, j)) - x(i, j), 2);
        err[i] /= double(x.shape()[1]);
    }
    return err;
}

// PCA at the same Z (lesson 01) and the mean image: what the deep AE has to beat.
struct Baselines {
    l01::Pca pca;
    std::vector<double> pca_err;  // per test image
    double pca_mse = 0, mean_mse = 0, seconds = 0;
};

Baselines baselines(const DataSplit& data, size_t z) {
    Timer t;
    Baselines b;
    const Matrix& test = data.test.images;
    b.pca = l01::pca(data.train.images, std::min(z, data.train.dim()));
    b.pca_err = pca_errors(b.pca, test);
    b.pca_mse = mean_of(b.pca_err);
    Matrix mean_img(test.shape());
    for (size_t i = 0; i < test.shape()[0]; ++i) xt::row(mean_img, i) = xt::row(b.pca.mean, 0);
    b.mean_mse = mse_loss(mean_img, test).value;
    b.seconds = t.seconds();
    std::printf("PCA-%zu: test MSE per pixel %.5f (mean image %.5f), %.2fs\n", z, b.pca_mse,
                b.mean_mse, b.seconds);
    return b;
}

void write_results(const std::string& out, const Options& opt, const DataSplit& data,
                   const Autoencoder& model, const History& h, const Baselines& b, double ae_mse,
                   const std::string& model_path, double seconds) {
    std::vector<double> secs;
    for (const auto& e : h.epochs) secs.push_back(e.seconds);
    save_csv(
        out + "/history.csv", {"epoch", "train_loss", "test_loss", "test_mse", "seconds"},
        {h.epoch_numbers(), h.train_loss(), h.metric("test_loss"), h.metric("test_mse"), secs});
    Json summary;
    summary.set("lesson", "02_deep_ae")
        .set("data", data.describe())
        .set("full_data", !data.is_sample)
        .set("model", model.config.describe())
        .set("latent", model.config.latent)
        .set("loss", loss_name(model.config.loss))
        .set("epochs", h.epochs.size())
        .set("batch_size", opt.batch_size)
        .set("lr", double(opt.lr))
        .set("seed", double(opt.seed))
        .set("test_mse_mean_image", b.mean_mse)
        .set("test_mse_pca", b.pca_mse)
        .set("test_mse_deep_ae", ae_mse)
        .set("ae_vs_pca_relative_gap", ae_mse / b.pca_mse - 1)
        .set("test_mse_per_epoch", h.metric("test_mse"))
        .set("train_loss_per_epoch", h.train_loss())
        .set("model_path", model_path)
        .set("train_seconds", h.total_seconds())
        .set("seconds", seconds);
    summary.save(out + "/summary.json");
}

// Trains model on the training set (test figures after each epoch) and saves it to save_path.
History train_and_save(Autoencoder& model, const Options& opt, const DataSplit& data,
                       const std::string& save_path) {
    FitOptions fo;
    fo.epochs = opt.epochs, fo.batch_size = opt.batch_size, fo.seed = opt.seed, fo.lr = opt.lr;
    fo.name = "deep AE";
    const History h = train_model(resolve_device(opt.device), model, data.train.images, fo, opt.lr,
                                  [&](EpochLog& log) {
                                      const Eval e = evaluate(model, data.test.images);
                                      log.metrics["test_loss"] = e.loss;
                                      log.metrics["test_mse"] = e.mse;
                                  });
    save_autoencoder(save_path, model);
    return h;
}

// The per-image errors, codes and latent scatter of the trained model: printed, drawn, saved.
void report(const std::string& out, const Options& opt, const DataSplit& data, Autoencoder& model,
            const History& history, const Baselines& b, const std::string& model_path,
            const Timer& total) {
    const std::vector<double> ae_err = reconstruction_error(model, data.test.images);
    const double ae_mse = mean_of(ae_err);
    const Matrix test_codes = encode(model, data.test.images);
    const Matrix xy = latent_2d(encode(model, data.train.images), test_codes);
    std::printf("\nResults (Z = %zu, %s loss, %zu epochs, %.1fs training):\n", model.config.latent,
                loss_name(model.config.loss).c_str(), history.epochs.size(),
                history.total_seconds());
    std::printf(
        "  test MSE per pixel   mean image %.5f   PCA-%zu %.5f   deep AE %.5f (%+.1f%% vs "
        "PCA)\n",
        b.mean_mse, b.pca.components.shape()[0], b.pca_mse, ae_mse, 100 * (ae_mse / b.pca_mse - 1));

    make_dirs(out);
    if (!history.epochs.empty())
        curves(out, history, loss_name(model.config.loss), b.pca_mse, b.mean_mse);
    pictures(out, data, model, b.pca, ae_err, b.pca_err, xy, model.config.latent);
    save_npy(out + "/test_codes.npy", test_codes);
    write_results(out, opt, data, model, history, b, ae_mse, model_path, total.seconds());
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 20;
        defaults.quick_epochs = 10;
        defaults.latent = 32;
        CommandLine cli({"02", "02_deep_ae", "Lesson 02: a deep autoencoder"}, defaults);
        std::string loss_flag = "mse", save_path, model_path;
        cli.app()
            .add_option("--loss", loss_flag,
                        "reconstruction loss: mse (sigmoid output) or bce (logits)")
            ->capture_default_str()
            ->check(CLI::IsMember({"mse", "bce"}));
        cli.app().add_option("--save", save_path,
                             "where to save the trained model (default <out>/model.ckpt)");
        cli.app().add_option("--model", model_path, "load this trained model instead of training");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        const std::string out = opt.out;
        if (save_path.empty()) save_path = out + "/model.ckpt";
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        Rng rng(opt.seed);
        AeConfig config;
        config.input = data.train.dim(), config.latent = size_t(opt.latent),
        config.loss = parse_loss(loss_flag);
        Autoencoder model =
            model_path.empty() ? make_autoencoder(config, rng) : load_autoencoder(model_path);
        std::cout << "Model: " << model.config.describe() << ", "
                  << count_parameters(model.params()) << " parameters"
                  << (model_path.empty() ? "" : ", loaded from " + model_path) << "\n  encoder "
                  << model.encoder.name() << "\n  decoder " << model.decoder.name() << "\n";
        // Fail fast: steps 3 and 4 are needed after training, so try them on two images now.
        const Matrix two = xt::view(data.test.images, xt::range(0, 2), xt::all());
        (void)reconstruction_error(model, two);
        (void)encode(model, two);
        const Baselines b = baselines(data, model.config.latent);
        const History history =
            model_path.empty() ? train_and_save(model, opt, data, save_path) : History{};

        report(out, opt, data, model, history, b, model_path.empty() ? save_path : model_path,
               total);
        if (model_path.empty()) std::printf("  model saved to %s\n", save_path.c_str());
        std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                    total.seconds());
        return 0;
    });
}
