// The neural-network core: layers with explicit forward and backward passes (no autograd).
// forward caches what backward needs; backward returns the input gradient and *accumulates*
// (+=) parameter gradients, so call zero_grad(params) before each step.
// Shapes: x (N, in) -> y (N, out); a Dense layer holds W (in, out) and b (1, out).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ae/optim.hpp"
#include "ae/tensor.hpp"

namespace ae {

class Layer {
  public:
    virtual ~Layer() = default;
    // x: (N, in) -> (N, out)
    virtual Matrix forward(const Matrix& x) = 0;
    // grad_out: (N, out) -> grad_in: (N, in), for the x of the last forward call.
    virtual Matrix backward(const Matrix& grad_out) = 0;
    // Accumulates the parameter gradients like backward but skips the input gradient, for the
    // first layer of a model, where nothing needs it (saves a third of a Dense layer's work).
    virtual void backward_params_only(const Matrix& grad_out) {
        if (!params().empty()) backward(grad_out);
    }
    // Parameters with their gradients (empty for activations); names are relative ("W", "b").
    virtual std::vector<Param> params() { return {}; }
    virtual std::string name() const = 0;  // "Dense(784, 256)", "ReLU"
};

enum class Init { He, Xavier };  // He for ReLU layers, Xavier for sigmoid/tanh/linear

class Dense : public Layer {
  public:
    Dense(size_t in, size_t out, Rng& rng, Init init = Init::He);
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    void backward_params_only(const Matrix& grad_out) override;
    std::vector<Param> params() override;
    std::string name() const override;
    size_t in() const { return W.shape()[0]; }
    size_t out() const { return W.shape()[1]; }

    Matrix W, b;    // (in, out), (1, out)
    Matrix dW, db;  // their gradients

  private:
    void accumulate_param_grads(const Matrix& grad_out);
    Matrix x_;  // cached input (a copy into a reused buffer: the caller's x may be a temporary)
};

class ReLU : public Layer {
  public:
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::string name() const override { return "ReLU"; }

  private:
    Matrix y_;
};

class LeakyReLU : public Layer {
  public:
    explicit LeakyReLU(float slope = 0.01f) : slope_(slope) {}
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::string name() const override { return "LeakyReLU"; }

  private:
    float slope_;
    Matrix x_;
};

class Sigmoid : public Layer {
  public:
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::string name() const override { return "Sigmoid"; }

  private:
    Matrix y_;
};

class Tanh : public Layer {
  public:
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::string name() const override { return "Tanh"; }

  private:
    Matrix y_;
};

// ELU: x for x > 0, alpha (exp(x) - 1) otherwise (smooth, negative values down to -alpha).
class Elu : public Layer {
  public:
    explicit Elu(float alpha = 1.f) : alpha_(alpha) {}
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::string name() const override { return "ELU"; }

  private:
    float alpha_;
    Matrix x_;
};

// Inverted dropout: while training is true, each entry is zeroed with probability p and the
// survivors are scaled by 1 / (1 - p), so the expected output equals the input; otherwise (the
// default, e.g. when evaluating) the identity. The mask comes from the layer's own seeded Rng.
class Dropout : public Layer {
  public:
    explicit Dropout(float p, uint64_t seed = 42);
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::string name() const override;  // "Dropout(0.2)"
    float p() const { return p_; }
    bool training = false;

  private:
    float p_;
    Rng rng_;
    Matrix mask_;  // (N, D) of the last training forward: 0 or 1 / (1 - p)
};

class Identity : public Layer {
  public:
    Matrix forward(const Matrix& x) override { return x; }
    Matrix backward(const Matrix& grad_out) override { return grad_out; }
    std::string name() const override { return "Identity"; }
};

// Layers applied in order; parameters are named "<index>.W", "<index>.b".
class Sequential : public Layer {
  public:
    Sequential() = default;
    Sequential(Sequential&&) = default;
    Sequential& operator=(Sequential&&) = default;

    template <class L, class... Args>
    L& add(Args&&... args) {
        layers_.push_back(std::make_unique<L>(std::forward<Args>(args)...));
        return static_cast<L&>(*layers_.back());
    }
    Sequential& add_layer(std::unique_ptr<Layer> layer) {
        layers_.push_back(std::move(layer));
        return *this;
    }
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    void backward_params_only(
        const Matrix& grad_out) override;  // the first layer's input grad is skipped
    std::vector<Param> params() override;
    std::string name() const override;  // "Dense(784, 256) -> ReLU -> ..."
    size_t size() const { return layers_.size(); }
    Layer& operator[](size_t i) { return *layers_.at(i); }
    // Moves the layers out (the Sequential is left empty), e.g. to rebuild a model around them.
    std::vector<std::unique_ptr<Layer>> take_layers() { return std::move(layers_); }
    const Layer& operator[](size_t i) const { return *layers_.at(i); }

  private:
    std::vector<std::unique_ptr<Layer>> layers_;
};

// Prefixes every parameter name ("enc." + "0.W") so two networks' params can be combined.
std::vector<Param> named(const std::string& prefix, std::vector<Param> params);
// Number of scalar parameters.
size_t count_parameters(const std::vector<Param>& params);

}  // namespace ae
