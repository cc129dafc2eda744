// Lesson 02: a deep autoencoder trained by backpropagation. Your code goes here.
// Read README.md (steps 1-4), then replace each AE_TODO with your implementation.
// Check your work: ./workshop check 02      Run the lesson: ./workshop run 02
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l02 {

Sequential build_encoder(size_t d, const std::vector<size_t>& hidden, size_t z, Rng& rng) {
    // TODO(lesson 02, step 1a): enc.add<Dense>(in, h, rng, Init::He); enc.add<ReLU>(); per hidden
    // size, then a last Dense(.., z, rng, Init::Xavier) with no activation.
    AE_TODO("02", "build_encoder", d, hidden, z, rng);
}

Sequential build_decoder(size_t z, const std::vector<size_t>& hidden, size_t d, Loss loss,
                         Rng& rng) {
    // TODO(lesson 02, step 1b): the mirror (hidden in reverse), Dense(.., d, Xavier), and a
    // Sigmoid only when loss == Loss::Mse.
    AE_TODO("02", "build_decoder", z, hidden, d, loss, rng);
}

LossValue reconstruction_loss(Loss loss, const Matrix& out, const Matrix& target) {
    // TODO(lesson 02, step 2a): ae::mse_loss for Mse, ae::bce_with_logits_loss for Bce.
    AE_TODO("02", "reconstruction_loss", loss, out, target);
}

double train_step(Autoencoder& model, const Matrix& x_in, const Matrix& target, Optimizer& opt) {
    // TODO(lesson 02, step 2b): out = decoder(encoder(x_in)); loss; zero_grad(model.params());
    // encoder.backward(decoder.backward(loss.grad)); opt.step(model.params()); return the loss.
    AE_TODO("02", "train_step", model, x_in, target, opt);
}

std::vector<double> reconstruction_error(Autoencoder& model, const Matrix& x) {
    // TODO(lesson 02, step 3): x_hat = reconstruct(model, x); per row, mean of (x_hat - x)^2.
    AE_TODO("02", "reconstruction_error", model, x);
}

Matrix encode(Autoencoder& model, const Matrix& x) {
    // TODO(lesson 02, step 4): encoder.forward on row blocks of at most 1024 (xt::view with
    // xt::range), written into a (N, Z) result.
    AE_TODO("02", "encode", model, x);
}

}  // namespace ae::l02
