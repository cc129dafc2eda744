// Lesson 02, the code the lesson gives you to keep a trained model (declared in lesson.hpp):
// the weights as a checkpoint and the architecture beside it in a small text file, so that
// lessons 06 and 07 can rebuild the model without being told its sizes.
// Written by: ./workshop solution 02 (out/02_deep_ae/model.ckpt and model.ckpt.cfg)
#include <sstream>

#include "ae/checkpoint.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "lesson.hpp"

namespace ae::l02 {

void save_autoencoder(const std::string& path, Autoencoder& model) {
    const AeConfig& c = model.config;
    std::ostringstream cfg;
    cfg << "# lesson 02 autoencoder: the architecture of " << path << "\n";
    cfg << "input " << c.input << "\nhidden";
    for (size_t h : c.hidden) cfg << " " << h;
    cfg << "\nlatent " << c.latent << "\nloss " << loss_name(c.loss) << "\n";
    if (c.activation != "relu") cfg << "activation " << c.activation << "\n";
    if (c.code_activation != "linear") cfg << "code_activation " << c.code_activation << "\n";
    if (c.tied) cfg << "tied 1\n";
    if (c.dropout > 0.f) cfg << "dropout " << c.dropout << "\n";
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
        if (key == "activation") words >> c.activation;
        if (key == "code_activation") words >> c.code_activation;
        if (key == "tied") words >> c.tied;
        if (key == "dropout") words >> c.dropout;
        for (size_t h; key == "hidden" && words >> h;) c.hidden.push_back(h);
    }
    if (c.input == 0 || c.latent == 0) throw DataError(path + ": not a lesson 02 model config");
    // The sizes a file claims are checked before anything is allocated for them.
    const auto check = [&](const std::string& what, size_t v, size_t hi) {
        if (v < 1 || v > hi)
            throw DataError(path + ": " + what + " " + std::to_string(v) + " is outside 1.." +
                            std::to_string(hi) + " (a damaged or foreign file?)");
    };
    check("input", c.input, size_t{1} << 20);
    check("latent", c.latent, size_t{1} << 16);
    check("number of hidden layers", c.hidden.size() + 1, 17);
    for (size_t h : c.hidden) check("hidden width", h, size_t{1} << 16);
    if (!(c.dropout >= 0.f && c.dropout < 1.f))
        throw DataError(path + ": dropout " + std::to_string(c.dropout) + " is outside [0, 1)");
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
