// Lesson 02, the code the lesson gives you (declared in lesson.hpp): assembling the model,
// decoding, the training loops, and saving/loading a trained model (lessons 06 and 07 load
// out/02_deep_ae/model.ckpt). It calls the functions you write in exercise.cpp.
#include <algorithm>
#include <sstream>

#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "exercise.hpp"  // your builders and steps, which the given code calls
#include "lesson.hpp"

namespace ae::l02 {

Loss parse_loss(const std::string& name) {
    if (name == "mse") return Loss::Mse;
    if (name == "bce") return Loss::Bce;
    throw Error("--loss must be mse or bce, got '" + name + "'");
}

std::string loss_name(Loss loss) {
    return loss == Loss::Mse ? "mse" : "bce";
}

std::string AeConfig::describe() const {
    std::string s = std::to_string(input);
    for (size_t h : hidden) s += "-" + std::to_string(h);
    return s + "-" + std::to_string(latent) + ", " + loss_name(loss);
}

std::vector<Param> Autoencoder::params() {
    auto all = named("enc.", encoder.params());
    for (auto& p : named("dec.", decoder.params())) all.push_back(p);
    return all;
}

Autoencoder make_autoencoder(const AeConfig& config, Rng& rng) {
    Autoencoder m;
    m.config = config;
    m.encoder = build_encoder(config.input, config.hidden, config.latent, rng);
    m.decoder = build_decoder(config.latent, config.hidden, config.input, config.loss, rng);
    return m;
}

namespace {
// The encoder and/or decoder applied to row blocks of x (at most 1024 rows), so big sets never
// hold all activations at once.
Matrix forward_in_chunks_l02(Autoencoder& model, const Matrix& x, bool encoder, bool decoder) {
    const size_t n = x.shape()[0], chunk = 1024;
    Matrix out({n, decoder ? model.config.input : model.config.latent});  // resized by chunk 1
    for (size_t begin = 0; begin < n; begin += chunk) {
        const size_t end = std::min(n, begin + chunk);
        Matrix y = xt::view(x, xt::range(begin, end), xt::all());
        if (encoder) y = model.encoder.forward(y);
        if (decoder) y = model.decoder.forward(y);
        // Bce decoders output logits; pictures and errors want pixels in [0, 1].
        if (decoder && model.config.loss == Loss::Bce) y = sigmoid(y);
        if (begin == 0) out.resize({n, y.shape()[1]});
        xt::view(out, xt::range(begin, end), xt::all()) = y;
    }
    return out;
}
}  // namespace

Matrix decode(Autoencoder& model, const Matrix& codes) {
    return forward_in_chunks_l02(model, codes, false, true);
}

Matrix reconstruct(Autoencoder& model, const Matrix& x) {
    return forward_in_chunks_l02(model, x, true, true);
}

double test_mse(Autoencoder& model, const Matrix& x) {
    const Matrix x_hat = reconstruct(model, x);
    double sum = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double e = double(x_hat.data()[i]) - double(x.data()[i]);
        sum += e * e;
    }
    return sum / double(x.size());
}

History train_autoencoder(Autoencoder& model, const Matrix& x, TrainSpec spec,
                          const EpochFn& on_epoch) {
    spec.objective.loss = model.config.loss;
    return train(
        model.encoder, model.decoder, x, spec,
        [&](const Matrix& batch, const std::vector<size_t>&, Optimizer& opt, Rng&) {
            return train_step(model, batch, batch, opt);
        },
        on_epoch);
}

void save_autoencoder(const std::string& path, Autoencoder& model) {
    const AeConfig& c = model.config;
    std::ostringstream cfg;
    cfg << "# lesson 02 autoencoder: the architecture of " << path << "\n";
    cfg << "input " << c.input << "\nhidden";
    for (size_t h : c.hidden) cfg << " " << h;
    cfg << "\nlatent " << c.latent << "\nloss " << loss_name(c.loss) << "\n";
    write_text(path + ".cfg", cfg.str());
    save_checkpoint(path, model.params(), "lesson 02 autoencoder " + c.describe());
}

namespace {
AeConfig read_ae_config(const std::string& path) {
    AeConfig c;
    c.hidden.clear();
    std::istringstream in(read_text(path));
    std::string line, key;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        if (!(words >> key) || key[0] == '#') continue;
        if (key == "input") words >> c.input;
        if (key == "latent") words >> c.latent;
        if (key == "loss" && words >> key) c.loss = parse_loss(key);
        for (size_t h; key == "hidden" && words >> h;) c.hidden.push_back(h);
    }
    if (c.input == 0 || c.latent == 0) throw DataError(path + ": not a lesson 02 model config");
    return c;
}
}  // namespace

Autoencoder load_autoencoder(const std::string& path) {
    AeConfig config;
    try {
        config = read_ae_config(path + ".cfg");
    } catch (const Error& e) {
        throw DataError("no trained lesson 02 model at " + path + " (" + e.what() +
                        ").\n  Train and save one with: ./workshop solution 02 (writes " +
                        kDefaultModelPath + "), or pass the --save path you used.");
    }
    Rng rng(0);  // the values are overwritten by the checkpoint
    Autoencoder model = make_autoencoder(config, rng);
    load_checkpoint(path, model.params());
    return model;
}

}  // namespace ae::l02
