// Lesson 08 program: a convolutional autoencoder on Fashion-MNIST, against lesson 02's MLP
// autoencoder and PCA at the same Z. Run: ./workshop run 08 [--quick] [--epochs N] (--help: all)
// The experiment, top to bottom: data, baselines, training, evaluation; report.cpp writes the
// pictures (reconstructions, filters, feature maps, latent scatter) and summary.json.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l08;

namespace {

// PCA-Z (lesson 01) and lesson 02's MLP autoencoder at the same Z: loaded from its checkpoint
// when one with this Z is there, else trained here for mlp_epochs (and so weaker than lesson 02's).
Baselines baselines(const DataSplit& data, const Options& opt, const std::string& mlp_path,
                    int mlp_epochs) {
    const Matrix& test = data.test.images;
    const size_t z = size_t(opt.latent);
    Baselines b;
    b.pca = l01::pca(data.train.images, std::min(z, data.train.dim()));
    b.pca_mse = mse_loss(l01::pca_decode(b.pca, l01::pca_encode(b.pca, test)), test).value;
    std::printf("PCA-%zu: test MSE per pixel %.5f\n", z, b.pca_mse);
    if (std::filesystem::exists(mlp_path)) {
        b.mlp = l02::load_autoencoder(mlp_path, data.train.dim());
        b.mlp_from = mlp_path;
    }
    if (b.mlp_from.empty() || b.mlp.config.latent != z || b.mlp.config.loss != l02::Loss::Mse) {
        std::printf(
            "No lesson 02 MSE model with Z = %zu at %s: training one here for %d epochs "
            "(./workshop solution 02 trains the 20-epoch one).\n",
            z, mlp_path.c_str(), mlp_epochs);
        Rng rng(opt.seed);
        l02::AeConfig c;
        c.latent = z;
        b.mlp = l02::make_autoencoder(c, rng);
        b.mlp_from = "";
        TrainSpec spec = train_spec(opt, "MLP AE");
        spec.fit.epochs = mlp_epochs, spec.fit.batch_size = 256, spec.device = "cpu";
        spec.optimizer = OptimizerSpec::adam(1e-3f);
        b.mlp_history = l02::train_autoencoder(b.mlp, data.train.images, spec, [&](EpochLog& l) {
            l.metrics["test_mse"] = l02::test_mse(b.mlp, test);
        });
    }
    b.mlp_mse = l02::test_mse(b.mlp, test);
    std::printf("MLP AE (lesson 02, %s): %zu parameters, test MSE per pixel %.5f\n",
                b.mlp_from.empty() ? "trained here" : b.mlp_from.c_str(),
                count_parameters(b.mlp.params()), b.mlp_mse);
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        // Adam 3e-3: 5 epochs get further than 10 at 1e-3 did (0.0092 vs 0.0095), in half the time.
        const Options defaults = lesson_defaults(5, 3, 128, 32, 3e-3f);
        CommandLine cli({"08", "08_conv_ae", "Lesson 08: a convolutional autoencoder"}, defaults);
        std::string save_path, model_path, mlp_path = l02::default_model_path();
        int mlp_epochs = 5, stride = 2;
        cli.app().add_option("--save", save_path,
                             "where to save the model (default <out>/model.ckpt)");
        cli.app().add_option("--model", model_path,
                             "load this trained lesson 08 model, no training");
        cli.app().add_option("--ae-model", mlp_path, "lesson 02's trained model to compare with");
        cli.app()
            .add_option("--mlp-epochs", mlp_epochs, "epochs of the MLP when none can be loaded")
            ->check(whole_flag(1, 1000, "epochs of the MLP"));
        cli.app()
            .add_option("--stride", stride, "stride of every convolution (1 keeps 28x28 maps)")
            ->check(whole_flag(1, 2, "1 keeps 28x28 maps, 2 halves them"));
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (save_path.empty()) save_path = opt.out + "/model.ckpt";
        if (opt.device == "cuda")
            std::cout << "--device cuda: this lesson trains on the CPU only (im2col + OpenBLAS); "
                         "there is no GPU path for convolutions. Training on the CPU.\n";
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        Rng rng(opt.seed);
        ConvAeConfig config;
        config.latent = size_t(opt.latent), config.stride = size_t(stride);
        if (stride == 1) config.dec_kernel = 3;                // K = 3, P = 1, S = 1 keeps the size
        if (model_path.empty()) check_save_target(save_path);  // before any work
        ConvAutoencoder model = model_path.empty() ? build_conv_autoencoder(config, rng)
                                                   : load_conv_autoencoder(model_path);
        print_model(model, model_path);
        Baselines b = baselines(data, opt, mlp_path, mlp_epochs);

        Results r;
        r.saved = model_path.empty();
        r.model_path = r.saved ? save_path : model_path;
        if (r.saved) {
            r.history = train_conv_autoencoder(
                model, data.train.images, train_spec(opt, "conv AE"),
                [&](EpochLog& l) { l.metrics["test_mse"] = test_mse(model, data.test.images); });
            save_conv_autoencoder(save_path, model);
        }
        r.test_mse = test_mse(model, data.test.images);
        r.test_codes = encode(model, data.test.images);

        // The README's ranges are for the full data with the default flags.
        report(opt, cli.default_run(data), data, model, b, r, total);
        return 0;
    });
}
