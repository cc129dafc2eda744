// Optimizers over plain parameter matrices: SGD with momentum and Adam (bias-corrected), both
// with optional decoupled weight decay. A parameter is a value and the gradient beside it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "ae/tensor.hpp"

namespace ae {

struct Param {
    std::string name;  // "enc.0.W": used by checkpoints and error messages
    Matrix* value;
    Matrix* grad;  // same shape as *value; optimizers read it, backward passes accumulate into it
};

// Sets every gradient to zero.
void zero_grad(const std::vector<Param>& params);

class Optimizer {
  public:
    virtual ~Optimizer() = default;
    // One update of every parameter from its gradient (gradients are not cleared).
    virtual void step(const std::vector<Param>& params) = 0;
    float lr = 1e-3f;
    float weight_decay = 0.f;  // decoupled: value -= lr * weight_decay * value
};

class Sgd : public Optimizer {
  public:
    explicit Sgd(float lr, float momentum = 0.f, float weight_decay = 0.f);
    void step(const std::vector<Param>& params) override;
    float momentum;

  private:
    std::map<const Matrix*, Matrix> velocity_;
};

namespace detail {
// One Adam update of entries [0, n) (Kingma & Ba, Algorithm 1, with decoupled weight decay):
// m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, m_hat = m / c1, v_hat = v / c2,
// w -= rate (m_hat / (sqrt(v_hat) + eps) + decay w), with c1 = 1 - b1^t, c2 = 1 - b2^t.
struct AdamStep {
    float b1, b2, c1, c2, rate, eps, decay;
};
// The reference, one entry at a time.
void adam_update_plain(const AdamStep& k, float* w, const float* g, float* m, float* v, size_t n);
// The same arithmetic in xsimd batches: GCC does not vectorise the plain loop (its sqrt and
// division), and bench_train measured it at about 6x the time. What Adam::step runs.
void adam_update_simd(const AdamStep& k, float* w, const float* g, float* m, float* v, size_t n);
}  // namespace detail

class Adam : public Optimizer {
  public:
    explicit Adam(float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f,
                  float weight_decay = 0.f);
    void step(const std::vector<Param>& params) override;
    float beta1, beta2, eps;
    long steps() const { return t_; }

  private:
    long t_ = 0;
    std::map<const Matrix*, Matrix> m_, v_;
};

}  // namespace ae
