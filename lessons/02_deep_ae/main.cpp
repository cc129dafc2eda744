// Lesson 02 program: a deep autoencoder (784-256-64-Z) on Fashion-MNIST, compared with PCA-Z.
// Run: ./workshop run 02 [--quick] [--latent 32] [--hidden 256,64] [--loss mse|bce|l1]
//      [--activation ...] [--code-activation ...] [--optimizer ...] [--tied] (--help: all)
// The experiment, top to bottom: data, baselines, training, evaluation; report.cpp writes the
// pictures, summary.json and the trained model's path (lessons 06 and 07 load model.ckpt).
#include <cstdio>
#include <iostream>

#include "ae/todo.hpp"
#include "ae/cli.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l02;

namespace {

// The training loss (MSE or BCE per pixel) and the MSE per pixel of the [0, 1] reconstruction
// (the figure compared with PCA) on a whole set.
std::pair<double, double> evaluate(Autoencoder& model, const Matrix& x) {
    const Matrix out = model.decoder.forward(model.encoder.forward(x));  // (N, D)
    const double loss = reconstruction_loss(model.config.loss, out, x).value;
    return {loss, mse_loss(model.config.loss == Loss::Bce ? sigmoid(out) : out, x).value};
}

// PCA at the same Z (lesson 01) and the mean image: what the deep AE has to beat.
Baselines baselines(const DataSplit& data, size_t z) {
    Timer t;
    Baselines b;
    const Matrix& test = data.test.images;
    b.pca = l01::pca(data.train.images, std::min(z, data.train.dim()));
    b.pca_err = per_image_mse(l01::pca_decode(b.pca, l01::pca_encode(b.pca, test)), test);
    b.pca_mse = mean_of(b.pca_err);
    Matrix mean_img(test.shape());
    for (size_t i = 0; i < test.shape()[0]; ++i) xt::row(mean_img, i) = xt::row(b.pca.mean, 0);
    b.mean_mse = mse_loss(mean_img, test).value;
    b.seconds = t.seconds();
    std::printf("PCA-%zu: test MSE per pixel %.5f (mean image %.5f), %.2fs\n", z, b.pca_mse,
                b.mean_mse, b.seconds);
    return b;
}

// Trains with --optimizer at --lr on the CPU (your train_step) or the library's CUDA trainer,
// recording the test loss and MSE after every epoch.
History train(Autoencoder& model, const Options& opt, const ExperimentFlags& flags,
              const DataSplit& data) {
    TrainSpec spec = train_spec(opt, "deep AE");
    spec.optimizer = make_optimizer_spec(flags, opt.lr);
    const EpochFn record = [&](EpochLog& log) {
        std::tie(log.metrics["test_loss"], log.metrics["test_mse"]) =
            evaluate(model, data.test.images);
    };
    if (flags.layerwise)
        return train_layerwise(model, data.train.images, spec, flags.fine_tune, record);
    return train_autoencoder(model, data.train.images, spec, record);
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 20, defaults.quick_epochs = 10, defaults.latent = 32;
        CommandLine cli({"02", "02_deep_ae", "Lesson 02: a deep autoencoder"}, defaults);
        std::string save_path, model_path;
        ExperimentFlags flags;  // --hidden, --activation, --loss, --optimizer, --tied, ...
        add_experiment_flags(cli.app(), flags);
        cli.app().add_option("--save", save_path,
                             "where to save the trained model (default <out>/model.ckpt)");
        cli.app().add_option("--model", model_path, "load this trained model instead of training");
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (save_path.empty()) save_path = opt.out + "/model.ckpt";
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        Rng rng(opt.seed);
        const AeConfig config = make_config(flags, data.train.dim(), size_t(opt.latent));
        Autoencoder model =
            model_path.empty() ? make_autoencoder(config, rng) : load_autoencoder(model_path);
        print_model(model, model_path);
        // Steps 3 and 4 are needed after training: an unwritten one stops the program now.
        const Matrix two = xt::view(data.test.images, xt::range(0, 2), xt::all());
        require_written("02",
                        {[&] { reconstruction_error(model, two); }, [&] { encode(model, two); }});

        const Baselines b = baselines(data, model.config.latent);
        Results r;
        r.saved = model_path.empty();
        r.flags = flags;
        r.model_path = r.saved ? save_path : model_path;
        if (r.saved) {
            r.history = train(model, opt, flags, data);
            save_autoencoder(save_path, model);
        }
        r.error = reconstruction_error(model, data.test.images);
        r.test_codes = encode(model, data.test.images);
        if (model.config.code_activation == "relu") r.dead_units = dead_units(r.test_codes);

        report(opt, cli.default_run(data), data, model, b, r, total);
        return 0;
    });
}
