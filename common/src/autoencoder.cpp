// The MLP autoencoder (ae/autoencoder.hpp): the model's parameters, the chunked forward, and
// its checkpoint, one file whose description is the architecture record (mlp_arch.cpp), so a
// model never loads with an architecture from elsewhere.
#include "ae/autoencoder.hpp"

#include <algorithm>

#include "ae/checkpoint.hpp"
#include "ae/loss.hpp"

namespace ae {

std::vector<Param> MlpAutoencoder::params() {
    auto all = named("enc.", encoder.params());
    for (auto& p : named("dec.", decoder.params())) all.push_back(p);
    return all;
}

Matrix forward_in_chunks(const Matrix& x, size_t chunk, size_t out_cols,
                         const std::function<Matrix(const Matrix&)>& f) {
    const size_t n = x.shape()[0];
    Matrix out({n, out_cols});  // resized by the first chunk
    for (size_t begin = 0; begin < n; begin += chunk) {
        const size_t end = std::min(n, begin + chunk);
        const Matrix y = f(xt::view(x, xt::range(begin, end), xt::all()));
        if (begin == 0) out.resize({n, y.shape()[1]});
        xt::view(out, xt::range(begin, end), xt::all()) = y;
    }
    return out;
}

Matrix mlp_encode(MlpAutoencoder& model, const Matrix& x) {
    return forward_in_chunks(x, 1024, model.config.latent,
                             [&](const Matrix& b) { return model.encoder.forward(b); });
}

Matrix mlp_decode(MlpAutoencoder& model, const Matrix& codes) {
    return forward_in_chunks(codes, 1024, model.config.input, [&](const Matrix& b) {
        // Bce decoders output logits; pictures and errors want pixels in [0, 1].
        const Matrix y = model.decoder.forward(b);
        return model.config.loss == LossKind::Bce ? sigmoid(y) : y;
    });
}

Matrix mlp_reconstruct(MlpAutoencoder& model, const Matrix& x) {
    return forward_in_chunks(x, 1024, model.config.input, [&](const Matrix& b) {
        const Matrix y = model.decoder.forward(model.encoder.forward(b));
        return model.config.loss == LossKind::Bce ? sigmoid(y) : y;
    });
}

void save_mlp_autoencoder(const std::string& path, MlpAutoencoder& model, const std::string& note) {
    save_checkpoint(path, model.params(), mlp_arch_text(model.config, note));
}

MlpAutoencoder load_mlp_autoencoder(const std::string& path, const MlpBuilder& build, size_t input,
                                    std::string* note) {
    const MlpArch arch = read_mlp_arch(path, input, note);
    Rng rng(0);  // the values are overwritten by the checkpoint
    MlpAutoencoder model = build(arch, rng);
    load_checkpoint(path, model.params());
    return model;
}

}  // namespace ae
