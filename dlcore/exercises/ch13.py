"""Chapter 13 exercises. Statements and stubs are in chapters/13_generative_models.ipynb."""

import numbers

import numpy as np

from . import expect, register
from .grading import Check, Exercise

# ---------------------------------------------------------------- 13.1 the reparameterization trick


def reparameterize(mu, log_var, eps):
    """z = μ + σ ⊙ ε with σ = exp(½ log σ²), elementwise, for arrays of any (common) shape.

    exp(½ log σ²) never forms σ² itself, so it stays finite wherever σ does (log σ² = 800 gives σ = e^400);
    sqrt(exp(log_var)) overflows there. The noise ε is given: z is a deterministic, differentiable function of
    μ and log σ², which is the whole point of the trick.
    """
    return mu + np.exp(0.5 * log_var) * eps


def _gaussian_inputs(seed, shape):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.uniform(-3.0, 2.0, size=shape), rng.normal(size=shape)


def _diagnose_reparam(mu, log_var, eps, z):
    """Name the classic mistake whose output equals the learner's, if any."""
    with np.errstate(all="ignore"):
        mistakes = [
            (mu + np.exp(log_var) * eps, "you multiplied ε by exp(log σ²) = σ², the VARIANCE; the standard deviation "
                                         "is σ = exp(½ log σ²)"),
            (mu + np.sqrt(np.abs(log_var)) * eps, "you took the square root of log σ²; σ = exp(½ log σ²)"),
            (mu + log_var * eps, "you used log σ² as if it were σ; σ = exp(½ log σ²)"),
            (mu + 0.5 * np.exp(log_var) * eps, "σ is exp(½ · log σ²): the ½ goes INSIDE the exponential"),
            (mu + np.exp(log_var / 2) * eps * 0.5, "σ is exp(½ · log σ²), with no other factor ½"),
            (mu + np.exp(-0.5 * log_var) * eps, "exp(−½ log σ²) is 1/σ; the sign in the exponent is +"),
            (mu * eps + np.exp(0.5 * log_var), "μ and σ are swapped: z = μ + σ ⊙ ε shifts by μ and scales ε by σ"),
            (np.exp(0.5 * log_var) * eps, "you forgot to add the mean μ"),
        ]
    right = reparameterize(mu, log_var, eps)
    for wrong, why in mistakes:
        if (z.shape == wrong.shape and np.all(np.isfinite(wrong)) and not np.allclose(wrong, right, rtol=1e-6)
                and np.allclose(z, wrong, rtol=1e-9, atol=1e-12)):
            raise AssertionError(why)


def _reparam_call(f, mu, log_var, eps, name, diagnose=True):
    with np.errstate(all="ignore"):
        out = f(mu.copy(), log_var.copy(), eps.copy())
    if diagnose and isinstance(out, np.ndarray) and out.shape == mu.shape and np.issubdtype(out.dtype, np.number):
        bad = ~np.isfinite(out)
        if bad.any() and np.all(log_var[bad] < 0) and np.all(np.isfinite(out[log_var >= 0])):
            raise AssertionError("z is NaN exactly where log σ² < 0: you took the square root of log σ². "
                                 "A log-variance may be negative; σ = exp(½ log σ²) is always positive")
        _diagnose_reparam(mu, log_var, eps, out)
    return expect.array(out, shape=mu.shape, name=name)


def _reparam_shape(f):
    mu, log_var, eps = _gaussian_inputs(130, (5, 2))
    with np.errstate(all="ignore"):
        out = f(mu.copy(), log_var.copy(), eps.copy())
    if not isinstance(out, np.ndarray) or out.shape != mu.shape:
        expect.array(out, shape=mu.shape, name="reparameterize on (5, 2) inputs")


def _reparam_unit_variance(f):
    mu, _, eps = _gaussian_inputs(131, (6, 3))
    z = _reparam_call(f, mu, np.zeros_like(mu), eps, name="reparameterize with log σ² = 0")
    expect.close(z, mu + eps, rtol=1e-12, atol=1e-12, name="reparameterize with log σ² = 0 (σ = 1)")


def _reparam_sigma_three(f):
    mu = np.array([[0.0, 1.0, -2.0]])
    eps = np.array([[1.0, -1.0, 0.5]])
    log_var = np.full((1, 3), 2 * np.log(3.0))            # σ² = 9, σ = 3
    z = _reparam_call(f, mu, log_var, eps, name="reparameterize with σ = 3")
    expect.close(z, mu + 3.0 * eps, rtol=1e-12, atol=1e-12, name="reparameterize with log σ² = log 9 (σ = 3)")


def _reparam_random(f):
    for seed, shape in ((132, (10, 2)), (133, (7, 16)), (134, (4, 3, 5))):
        mu, log_var, eps = _gaussian_inputs(seed, shape)
        z = _reparam_call(f, mu, log_var, eps, name=f"reparameterize on shape {shape}")
        expect.close(z, reparameterize(mu, log_var, eps), rtol=1e-10, atol=1e-12,
                     name=f"reparameterize on random inputs of shape {shape}")


def _reparam_uses_given_eps(f):
    mu, log_var, eps = _gaussian_inputs(135, (8, 2))
    a = _reparam_call(f, mu, log_var, eps, name="reparameterize")
    b = _reparam_call(f, mu, log_var, eps, name="reparameterize")
    if not np.array_equal(a, b):
        raise AssertionError("two calls with the same (mu, log_var, eps) gave different z: use the eps you are "
                             "given, do not draw new noise inside the function")
    c = _reparam_call(f, mu, log_var, -eps, name="reparameterize")
    if np.allclose(a, c):
        raise AssertionError("z did not change when eps changed: z = μ + σ ⊙ ε must use eps")


def _reparam_stable(f):
    mu = np.array([[0.5, -1.0], [2.0, 0.0]])
    eps = np.array([[1.0, -0.5], [0.25, 2.0]])
    log_var = np.array([[800.0, -800.0], [700.0, 0.0]])
    with np.errstate(all="ignore"):
        z = f(mu.copy(), log_var.copy(), eps.copy())
    if isinstance(z, np.ndarray) and np.issubdtype(z.dtype, np.number) and not np.all(np.isfinite(z)):
        raise AssertionError("with log σ² = 800 your z is inf or NaN, although σ = e^400 ≈ 5e173 is a finite "
                             "float: exp(800) overflows. Compute σ = exp(0.5 * log_var) directly, never σ²")
    expect.close(z, reparameterize(mu, log_var, eps), rtol=1e-10, atol=1e-12,
                 name="reparameterize with log σ² = ±800")


register(Exercise(
    id="ch13.reparameterize", answer="reparameterize", title="The reparameterization trick", kind="implement",
    solution=reparameterize, tests=[
        Check("returns an array of the inputs' shape", _reparam_shape,
              hint="Everything is elementwise: the result has the shape of mu."),
        Check("log σ² = 0 (σ = 1) gives z = μ + ε", _reparam_unit_variance,
              hint="exp(½ · 0) = 1."),
        Check("log σ² = log 9 gives σ = 3, not 9", _reparam_sigma_three,
              hint="σ = exp(½ log σ²): the ½ turns the log-variance into the log of the standard deviation."),
        Check("matches z = μ + exp(½ log σ²) ⊙ ε on random inputs of three shapes", _reparam_random,
              hint="Use numpy's elementwise operations; no loops or reshapes are needed."),
        Check("uses the eps it is given", _reparam_uses_given_eps,
              hint="The noise is an argument: do not call np.random inside the function."),
        Check("finite for log σ² = 800", _reparam_stable,
              hint="np.sqrt(np.exp(log_var)) overflows; np.exp(0.5 * log_var) does not."),
    ]))


# ---------------------------------------------------------------- 13.2 the KL divergence to N(0, I)


def gaussian_kl(mu, log_var):
    """KL( N(μ, diag σ²) ‖ N(0, I) ) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²), summed over the latent dimensions
    (axis 1) and averaged over the batch (axis 0): one number for mu and log_var of shape (n, d).

    log σ² is used as given (never log(exp(log_var)), which is −inf for log σ² = −800).
    """
    per_sample = 0.5 * np.sum(mu ** 2 + np.exp(log_var) - 1.0 - log_var, axis=1)
    return float(np.mean(per_sample))


def _kl_value(f, mu, log_var, name="gaussian_kl"):
    """The learner's KL as a float, with messages for the wrong types and shapes."""
    with np.errstate(all="ignore"):
        value = f(mu.copy(), log_var.copy())
    if isinstance(value, np.ndarray):
        if value.shape == (mu.shape[0],) and mu.shape[0] > 1:
            raise AssertionError(f"{name} returned one value per sample, shape {value.shape}: average the per-sample "
                                 "KL over the batch (axis 0) to get one number")
        if value.shape == (mu.shape[1],) and mu.shape[1] > 1:
            raise AssertionError(f"{name} returned one value per latent dimension, shape {value.shape}: sum over the "
                                 "dimensions (axis 1), then average over the batch (axis 0)")
        if value.size != 1:
            raise AssertionError(f"{name} returned an array of shape {value.shape}; expected a single number")
        value = value.reshape(())[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        raise AssertionError(f"{name} returned {expect._describe(value)}; expected a single number")
    value = float(value)
    if not np.isfinite(value):
        raise AssertionError(f"{name} returned {value}: look for exp overflowing or a log of 0")
    return value


def _diagnose_kl(mu, log_var, got):
    """Name the classic mistake whose value equals the learner's, if any."""
    var = np.exp(log_var)
    n, d = mu.shape
    terms = mu ** 2 + var - 1.0 - log_var
    right = 0.5 * terms.sum(axis=1).mean()
    mistakes = [
        (-right, "the sign is wrong: KL = ½ Σ (μ² + σ² − 1 − log σ²) is never negative"),
        (terms.sum(axis=1).mean(), "you left out the factor ½"),
        (0.5 * terms.mean(axis=1).mean(), "you averaged over the latent dimensions; SUM them (the KL of independent "
                                          "dimensions adds up), then average over the batch"),
        (0.5 * terms.mean(), "you averaged over the latent dimensions; SUM them (the KL of independent dimensions "
                             "adds up), then average over the batch"),
        (0.5 * terms.sum(), "you summed over the batch as well; average over the batch (axis 0)"),
        (0.5 * (mu ** 2 + np.exp(0.5 * log_var) - 1 - log_var).sum(axis=1).mean(),
         "you used σ = exp(½ log σ²) where the formula has the variance σ² = exp(log σ²)"),
        (0.5 * (mu ** 2 + var - 1 - 2 * log_var).sum(axis=1).mean(),
         "the last term is log σ², which is log_var itself (not 2·log_var)"),
        (0.5 * (mu ** 2 + var - 1 + log_var).sum(axis=1).mean(), "the term log σ² has the wrong sign: it is − log σ²"),
        (0.5 * (mu ** 2 + var - log_var).sum(axis=1).mean(), "you forgot the − 1 in each dimension"),
        (0.5 * (mu + var - 1 - log_var).sum(axis=1).mean(), "μ must be squared: μ²"),
    ]
    if n > 1 and d > 1:
        for wrong, why in mistakes:
            if np.isfinite(wrong) and not np.isclose(wrong, right, rtol=1e-6) and np.isclose(got, wrong, rtol=1e-8):
                raise AssertionError(why)


def _kl_is_number(f):
    mu, log_var, _ = _gaussian_inputs(137, (4, 3))
    _kl_value(f, mu, log_var)


def _kl_zero_at_prior(f):
    got = _kl_value(f, np.zeros((5, 3)), np.zeros((5, 3)))
    if abs(got) > 1e-12:
        raise AssertionError(f"for μ = 0 and log σ² = 0, q is exactly N(0, I) and the KL must be 0; got {got:.6g}")


def _kl_one_dimension(f):
    got = _kl_value(f, np.array([[1.0]]), np.array([[0.0]]))
    want = 0.5
    if np.isclose(got, -want):
        raise AssertionError("for μ = 1, σ = 1 you returned −0.5: the KL is never negative; check the sign")
    if np.isclose(got, 1.0):
        raise AssertionError("for μ = 1, σ = 1 you returned 1.0; the KL is ½ μ² = 0.5: the factor ½ is missing")
    expect.number(got, want, rtol=1e-10, name="gaussian_kl for μ = 1, σ = 1 (one sample, one dimension)")
    got = _kl_value(f, np.array([[0.0]]), np.array([[np.log(4.0)]]))
    want = 0.5 * (4.0 - 1.0 - np.log(4.0))
    expect.number(got, want, rtol=1e-10, name="gaussian_kl for μ = 0, σ² = 4 (one sample, one dimension)")


def _kl_sums_dimensions(f):
    one = _kl_value(f, np.array([[0.7], [-0.2]]), np.array([[0.3], [-0.5]]))
    five = _kl_value(f, np.tile(np.array([[0.7], [-0.2]]), (1, 5)), np.tile(np.array([[0.3], [-0.5]]), (1, 5)))
    if np.isclose(five, one, rtol=1e-8):
        raise AssertionError("five identical latent dimensions gave the same KL as one: you averaged over the "
                             "dimensions. The KL of independent dimensions ADDS UP: sum over axis 1")
    if not np.isclose(five, 5 * one, rtol=1e-8):
        raise AssertionError(f"five identical latent dimensions gave {five:.6g}, one gave {one:.6g}; "
                             "the KL summed over the dimensions should be exactly 5 times as large")


def _kl_averages_batch(f):
    mu, log_var, _ = _gaussian_inputs(138, (3, 4))
    once = _kl_value(f, mu, log_var)
    twice = _kl_value(f, np.concatenate([mu, mu]), np.concatenate([log_var, log_var]))
    if np.isclose(twice, 2 * once, rtol=1e-8) and abs(once) > 1e-12:
        raise AssertionError("repeating the batch doubled the KL: you summed over the batch; average over axis 0 "
                             "so the loss does not grow with the batch size")
    if not np.isclose(twice, once, rtol=1e-8):
        raise AssertionError(f"repeating every sample changed the KL from {once:.6g} to {twice:.6g}; an average over "
                             "the batch would not change")


def _kl_random(f):
    for seed, shape in ((139, (8, 2)), (140, (5, 16)), (141, (32, 3))):
        mu, log_var, _ = _gaussian_inputs(seed, shape)
        got = _kl_value(f, mu, log_var)
        _diagnose_kl(mu, log_var, got)
        expect.number(got, gaussian_kl(mu, log_var), rtol=1e-9, name=f"gaussian_kl on random inputs of shape {shape}")


def _kl_stable(f):
    mu = np.array([[0.5, 0.0], [1.0, -1.0]])
    log_var = np.array([[-800.0, 0.0], [3.0, -1.0]])
    with np.errstate(all="ignore"):
        value = f(mu.copy(), log_var.copy())
    if isinstance(value, (numbers.Number, np.ndarray)) and not isinstance(value, bool) and \
            np.issubdtype(np.asarray(value).dtype, np.number) and not np.all(np.isfinite(value)):
        raise AssertionError("with log σ² = −800 your KL is inf or NaN: exp(−800) underflows to 0 and log(0) = −inf. "
                             "Use the term log σ² as log_var itself, never log(exp(log_var))")
    got = _kl_value(f, mu, log_var)
    expect.number(got, gaussian_kl(mu, log_var), rtol=1e-9, name="gaussian_kl with log σ² = −800")


register(Exercise(
    id="ch13.gaussian_kl", answer="gaussian_kl", title="The KL divergence to the standard normal", kind="implement",
    solution=gaussian_kl, tests=[
        Check("returns a single number", _kl_is_number,
              hint="Sum over the latent dimensions (axis=1), then take the mean over the batch: a float."),
        Check("KL = 0 when q is the prior N(0, I)", _kl_zero_at_prior,
              hint="μ² + σ² − 1 − log σ² is 0 for μ = 0, σ² = 1."),
        Check("one dimension: μ = 1, σ = 1 gives ½; μ = 0, σ² = 4 gives ½(3 − log 4)", _kl_one_dimension,
              hint="KL = ½ (μ² + σ² − 1 − log σ²), with σ² = exp(log_var)."),
        Check("sums over the latent dimensions", _kl_sums_dimensions,
              hint="Independent dimensions: their KLs add up. Use np.sum(..., axis=1)."),
        Check("averages over the batch", _kl_averages_batch,
              hint="Use np.mean over axis 0 after summing over the dimensions."),
        Check("matches the reference on random inputs of three shapes", _kl_random,
              hint="0.5 * np.sum(mu**2 + np.exp(log_var) - 1 - log_var, axis=1), then the mean."),
        Check("finite for log σ² = −800", _kl_stable,
              hint="The term log σ² IS log_var: do not compute np.log(np.exp(log_var))."),
    ]))


# ---------------------------------------------------------------- 13.3 the two networks of a GAN


def gan_roles():
    """(b): the generator maps random noise z to samples G(z); the discriminator outputs the probability that its
    input came from the data rather than from the generator. They are trained against each other: D to tell real
    from generated, G to make D call its samples real (the minimax game of Goodfellow et al. 2014).
    (a) swaps the two roles. (c) describes an autoencoder: a GAN has no encoder and no reconstruction loss.
    (d) is wrong about the training: the two networks are updated in alternation from the start, and the
    discriminator is needed during training to give the generator its gradient; it is not a filter at test time."""
    return "b"


_GAN_WHY = {
    "a": "it swaps the roles: the GENERATOR produces samples from noise, the DISCRIMINATOR judges real versus "
         "generated",
    "c": "it describes an autoencoder (encoder + decoder trained on a reconstruction error). A GAN has no encoder, "
         "and its two networks have opposite goals: what lowers D's loss raises G's",
    "d": "it is wrong about training: G and D are updated in alternation from the first step, and G learns only "
         "through the gradient of D's output. D is not used after training to filter samples",
}


register(Exercise(
    id="ch13.gan_roles", answer="answer_gan", title="The two networks of a GAN", kind="choice",
    solution=gan_roles(), tests=[
        Check("is one of the letters a–d", expect.letter,
              hint="Answer with a string, e.g. answer_gan = \"a\"."),
        Check("the right statement", lambda a: expect.choice(a, gan_roles(), _GAN_WHY),
              hint="Which network sees random noise, which one sees real images, and what does each try to do?"),
    ]))


# ---------------------------------------------------------------- 13.4 the shape of the encoder's output


def encoder_output_shape():
    """A VAE with a 3-D latent: the encoder's last layer is Dense(2 * 3) and outputs μ (3 numbers) and log σ²
    (3 numbers) side by side for every image. A batch of 50 flattened images (50, 64) gives (50, 6): one row per
    image. The sample z = μ + σ ⊙ ε that the decoder receives has shape (50, 3)."""
    return (50, 6)


_SHAPE_MISTAKES = {
    (50, 3): "(50, 3) is the shape of μ alone, or of the sample z; the encoder outputs μ AND log σ²",
    (50, 64): "(50, 64) is the shape of the input (and of the decoder's output); the encoder compresses",
    (6,): "every image of the batch gets its own μ and log σ²: the batch axis stays",
    (3,): "every image of the batch gets its own μ and log σ², and there are two vectors per image",
    (50, 2, 3): "dlcore's Dense outputs a matrix (batch, units): μ and log σ² sit side by side in 2 · 3 columns",
    (50, 3, 2): "dlcore's Dense outputs a matrix (batch, units): μ and log σ² sit side by side in 2 · 3 columns",
    (2, 50, 3): "dlcore's Dense outputs a matrix (batch, units): μ and log σ² sit side by side in 2 · 3 columns",
    (50, 4): "(50, 4) is the output of this chapter's encoder, whose latent is 2-D; this VAE's latent is 3-D",
    (50, 8, 8): "that is the shape of the images before flattening; the encoder maps each image to 2 · 3 numbers",
}


def _shape_is_tuple(answer):
    if not isinstance(answer, (tuple, list)) or not answer or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in answer):
        raise AssertionError(f"your answer is {expect._describe(answer)}; expected a tuple of integers "
                             "such as (32, 10)")


def _shape_value(answer):
    _shape_is_tuple(answer)
    expect.equal(tuple(int(n) for n in answer), encoder_output_shape(), name="your shape", mistakes=_SHAPE_MISTAKES)


register(Exercise(
    id="ch13.encoder_shape", answer="answer_shape", title="The shape of a VAE encoder's output", kind="predict",
    solution=encoder_output_shape(), tests=[
        Check("is a tuple of integers", _shape_is_tuple, hint="Write e.g. answer_shape = (32, 10)."),
        Check("the shape", _shape_value,
              hint="One row per image; in each row, the mean and the log-variance of every latent dimension."),
    ]))
