"""Plausible wrong answers for chapter 13's exercises."""

import numpy as np

# ---------------------------------------------------------------- 13.1 reparameterize


def _reparam_variance(mu, log_var, eps):
    """Scales ε by the variance σ² = exp(log σ²) instead of the standard deviation."""
    return mu + np.exp(log_var) * eps


def _reparam_sqrt_log_var(mu, log_var, eps):
    """Takes σ = √(log σ²): NaN for a negative log-variance, wrong elsewhere."""
    return mu + np.sqrt(log_var) * eps


def _reparam_sqrt_exp(mu, log_var, eps):
    """Right in exact arithmetic, but exp(log σ²) overflows for log σ² = 800."""
    return mu + np.sqrt(np.exp(log_var)) * eps


def _reparam_log_var_as_sigma(mu, log_var, eps):
    """Uses log σ² as if it were σ."""
    return mu + log_var * eps


def _reparam_half_outside(mu, log_var, eps):
    """Puts the ½ outside the exponential."""
    return mu + 0.5 * np.exp(log_var) * eps


def _reparam_draws_own_noise(mu, log_var, eps):
    """Ignores the given ε and draws fresh noise."""
    return mu + np.exp(0.5 * log_var) * np.random.default_rng().standard_normal(np.shape(mu))


def _reparam_in_place(mu, log_var, eps):
    """Right values, but overwrites the caller's mu."""
    mu += np.exp(0.5 * log_var) * eps
    return mu


def _reparam_no_mean(mu, log_var, eps):
    """Forgets to add μ."""
    return np.exp(0.5 * log_var) * eps


# ---------------------------------------------------------------- 13.2 gaussian_kl


def _kl_terms(mu, log_var):
    return mu ** 2 + np.exp(log_var) - 1.0 - log_var


def _kl_wrong_sign(mu, log_var):
    """−½ Σ (μ² + σ² − 1 − log σ²): the sign flipped (the ELBO's term, not the KL)."""
    return float(-0.5 * np.mean(np.sum(_kl_terms(mu, log_var), axis=1)))


def _kl_no_half(mu, log_var):
    """Forgets the factor ½."""
    return float(np.mean(np.sum(_kl_terms(mu, log_var), axis=1)))


def _kl_mean_over_dims(mu, log_var):
    """Averages over the latent dimensions instead of summing."""
    return float(0.5 * np.mean(_kl_terms(mu, log_var)))


def _kl_sum_over_batch(mu, log_var):
    """Sums over the batch as well."""
    return float(0.5 * np.sum(_kl_terms(mu, log_var)))


def _kl_per_sample(mu, log_var):
    """Returns one KL per sample (no batch mean)."""
    return 0.5 * np.sum(_kl_terms(mu, log_var), axis=1)


def _kl_sigma_not_variance(mu, log_var):
    """Uses σ = exp(½ log σ²) where the formula has σ²."""
    return float(0.5 * np.mean(np.sum(mu ** 2 + np.exp(0.5 * log_var) - 1 - log_var, axis=1)))


def _kl_log_of_exp(mu, log_var):
    """Right in exact arithmetic, but log(exp(−800)) = log(0) = −inf."""
    var = np.exp(log_var)
    return float(0.5 * np.mean(np.sum(mu ** 2 + var - 1 - np.log(var), axis=1)))


def _kl_log_var_sign(mu, log_var):
    """+ log σ² instead of − log σ²."""
    return float(0.5 * np.mean(np.sum(mu ** 2 + np.exp(log_var) - 1 + log_var, axis=1)))


WRONG = {
    "ch13.reparameterize": [_reparam_variance, _reparam_sqrt_log_var, _reparam_sqrt_exp, _reparam_log_var_as_sigma,
                            _reparam_half_outside, _reparam_draws_own_noise, _reparam_in_place, _reparam_no_mean],
    "ch13.gaussian_kl": [_kl_wrong_sign, _kl_no_half, _kl_mean_over_dims, _kl_sum_over_batch, _kl_per_sample,
                         _kl_sigma_not_variance, _kl_log_of_exp, _kl_log_var_sign],
    "ch13.gan_roles": ["a", "c", "d"],
    "ch13.encoder_shape": [(50, 3), (50, 64), (6,), (50, 2, 3), (50, 4)],
}


# --- issue 9: answers the grader used to accept -----------------------------------------------------

def _kl_squares_mu_in_place(mu, log_var):
    # right value, but mu **= 2 changes the caller's means
    mu **= 2
    return float(np.mean(0.5 * np.sum(mu + np.exp(log_var) - 1 - log_var, axis=1)))


WRONG["ch13.gaussian_kl"] += [_kl_squares_mu_in_place]
MUTATING = {"ch13.gaussian_kl": _kl_squares_mu_in_place}
