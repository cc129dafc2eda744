// Tests of the library's gradient checker (ae/gradcheck.hpp): it passes a correct backward pass
// and names the entry of a wrong one. Run: build/bin/test_common -tc="common gradcheck*"
#include <doctest/doctest.h>

#include "ae/gradcheck.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"

using namespace ae;

TEST_CASE("common gradcheck: passes a correct backward pass and names the entry of a wrong one") {
    Rng rng(6);
    Sequential net;
    net.add<Dense>(4, 3, rng, Init::Xavier);
    net.add<Tanh>();
    net.add<Dense>(3, 2, rng, Init::Xavier);
    const auto params = named("enc.", net.params());
    const Matrix x = rng.normal(5, 4), target = rng.normal(5, 2);
    auto loss = [&] { return mse_loss(net.forward(x), target).value; };
    zero_grad(params);
    net.backward(mse_loss(net.forward(x), target).grad);
    GradCheckOptions o;
    o.max_entries = 0;
    const GradCheckResult good = check_gradients(params, loss, o);
    CHECK(good.checked == count_parameters(params));
    INFO("worst: " << good.worst);
    CHECK(good.ok(1e-2));  // float32 forward, h = 1e-2: ~1e-4 for a correct gradient
    (*params[0].grad)(2, 1) *= 1.5f;
    const GradCheckResult bad = check_gradients(params, loss, o);
    CHECK(bad.max_rel_error > 0.1);
    CHECK(bad.worst.rfind("enc.0.W[2, 1]", 0) == 0);
}
