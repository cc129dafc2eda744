// Lesson 11, given: the 2-D VAE's decoder as the explorer page runs it (explorer.hpp): its Dense
// layers with the activation after each, read from an ae::Sequential, and the same forward pass
// on the CPU, which tests/explorer_11.cpp compares with the page's.
// Run: ./workshop solution 11, then open out/11_latent/explorer.html in a browser.
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "ae/error.hpp"
#include "ae/linalg.hpp"
#include "ae/loss.hpp"
#include "explorer.hpp"

namespace ae::l11 {

namespace {

bool is_activation(const Layer& l) {
    return dynamic_cast<const Dense*>(&l) == nullptr;
}

// The activation of one layer; LeakyReLU's slope and ELU's alpha are read back by probing the
// layer with one negative input (nn.hpp keeps them private).
Activation activation_of(Layer& l, float& param, size_t index) {
    const std::string name = l.name();
    auto probe = [&](float x) { return l.forward(Matrix({{x}}))(0, 0); };
    if (name == "ReLU") return Activation::ReLU;
    if (name == "Sigmoid") return Activation::Sigmoid;
    if (name == "Tanh") return Activation::Tanh;
    if (name == "Identity") return Activation::Linear;
    if (name == "LeakyReLU") return param = -probe(-1.f), Activation::LeakyReLU;
    if (name == "ELU") return param = -probe(-100.f), Activation::Elu;
    throw Error("explorer: decoder layer " + std::to_string(index) + " is " + name +
                ": the page can run Dense, ReLU, LeakyReLU, ELU, Sigmoid, Tanh and Identity "
                "layers only (add it to explorer.html.in and given_explorer.cpp)");
}

}  // namespace

std::vector<DenseStep> dense_steps(Sequential& decoder, bool sigmoid_output) {
    std::vector<DenseStep> steps;
    for (size_t i = 0; i < decoder.size(); ++i) {
        Layer& l = decoder[i];
        if (const auto* d = dynamic_cast<const Dense*>(&l)) {
            if (!steps.empty() && steps.back().W.shape()[1] != d->in())
                throw Error("explorer: decoder layer " + std::to_string(i) + " is " + d->name() +
                            " but the layer before it gives " +
                            std::to_string(steps.back().W.shape()[1]) + " values");
            steps.push_back({d->W, d->b, Activation::Linear, 0.f});
            continue;
        }
        if (steps.empty() || (i > 0 && is_activation(decoder[i - 1])))
            throw Error("explorer: decoder layer " + std::to_string(i) + " (" + l.name() +
                        ") does not follow a Dense layer: expected Dense layers, each followed "
                        "by at most one activation");
        steps.back().act = activation_of(l, steps.back().param, i);
    }
    if (steps.empty()) throw Error("explorer: the decoder has no Dense layer");
    if (sigmoid_output) {
        if (steps.back().act != Activation::Linear)
            throw Error(
                "explorer: sigmoid_output asks for a sigmoid on logits, but the decoder "
                "already ends in an activation: pass sigmoid_output = false");
        steps.back().act = Activation::Sigmoid;
    }
    return steps;
}

Matrix forward_steps(const std::vector<DenseStep>& steps, const Matrix& z) {
    Matrix x = z;
    for (const DenseStep& s : steps) {
        require_shape(x, 0, s.W.shape()[0], "forward_steps: input of a Dense layer");
        Matrix y = matmul(x, s.W) + s.b;
        switch (s.act) {
            case Activation::Linear:
                break;
            case Activation::ReLU:
                y = xt::maximum(y, 0.f);
                break;
            case Activation::LeakyReLU:
                y = xt::where(y > 0.f, y, s.param * y);
                break;
            case Activation::Elu:
                y = xt::where(y > 0.f, y, s.param * (xt::exp(y) - 1.f));
                break;
            case Activation::Sigmoid:
                y = sigmoid(y);
                break;
            case Activation::Tanh:
                y = xt::tanh(y);
                break;
        }
        x = std::move(y);
    }
    return x;
}

}  // namespace ae::l11
